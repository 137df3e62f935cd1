using System.Globalization;
using System.Reflection;
using Evolve.Onnx;
using Evolve.Search.Evaluation;
using Evolve.Search.Optimizers;
using Evolve.Search.Space;
using Evolve.Search.Store;
using Evolve.Search.Terminations;

namespace Evolve.Search;

/// <summary>What `evolve search` asks for: a new run over a search space, or the resume of a run folder.</summary>
internal sealed record SearchRunRequest
{
    /// <summary>The search space YAML of a new run (null when resuming).</summary>
    public string? Space { get; init; }

    /// <summary>The folder of the run to resume (<c>runs/&lt;id&gt;</c>; null for a new run).</summary>
    public string? Resume { get; init; }

    /// <summary>Candidate budget; default 300 for a new run, the stored one on resume (a larger one extends the run).</summary>
    public long? Budget { get; init; }

    /// <summary>Wall-clock limit of this session in hours.</summary>
    public double? Hours { get; init; }

    /// <summary>
    /// Recipes (e.g. a sweep's sweep-best.yaml) whose points join the initial population after the space's own seeds.
    /// A new run's only: they are stored with their text, and a resume checks them unchanged.
    /// </summary>
    public IReadOnlyList<string> SeedRecipes { get; init; } = [];

    /// <summary>Run seed; default the space's. Fixed for a run: refused on resume.</summary>
    public ulong? Seed { get; init; }

    /// <summary>ga, cmaes or random (default ga). Fixed for a run: refused on resume.</summary>
    public string? Optimizer { get; init; }

    /// <summary>The run folder's name under <see cref="RunsFolder"/>; default date, time, space name and seed.</summary>
    public string? RunId { get; init; }

    public int? InFlight { get; init; }

    public string RunsFolder { get; init; } = "runs";

    public bool Racing { get; init; } = true;

    public int HallOfFameSize { get; init; } = 5;

    public int MaxConsecutiveFailures { get; init; } = 10;

    public ScoringStrategy Strategy { get; init; } = ScoringStrategy.WeightsAsInputs;

    public OrtSessionSettings Session { get; init; } = OrtSessionSettings.Default;

    /// <summary>First wait before retrying a transient failure.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public const long DefaultBudget = 300;
}

/// <summary>Where a run stands, for a live display: called on the run's own thread, keep them quick.</summary>
internal sealed class SearchRunEvents
{
    /// <summary>A phase begins: loading, replaying, searching, held-out scoring.</summary>
    public Action<string>? Phase { get; init; }

    /// <summary>The run is set up (before replaying what the store holds).</summary>
    public Action<SearchRunStart>? Started { get; init; }

    public Action<CandidateRecord, SearchProgress>? Committed { get; init; }

    /// <summary>The hall of fame changed: members incumbent first, and the incumbent's recipe in one line.</summary>
    public Action<IReadOnlyList<HallMember>, string>? HallOfFameChanged { get; init; }
}

/// <summary>A run about to search: its folder, candidate budget, search items per candidate, candidates already stored.</summary>
internal sealed record SearchRunStart(string Folder, long Budget, int SearchItems, long Stored);

/// <summary>How a run ended, with the hall of fame's held-out scores (empty when interrupted or without a held-out split).</summary>
internal sealed record SearchRunResult(string RunFolder, SearchOutcome Outcome, IReadOnlyList<HeldOutResult> HeldOut, string? IncumbentRecipe);

/// <summary>
/// One `evolve search` run, start to end (the CLI and `evolve demo` call it): the search space, the optimizer (seed
/// individuals first: <see cref="SeedGenomes"/>), the evaluator, the fingerprints of every input (<c>inputs.json</c>), the loop committing every candidate to <c>runs/&lt;id&gt;/run.db</c>, the hall
/// of fame's recipes under <c>best/</c>, and at the end the hall re-scored on the held-out split with search score,
/// held-out score and their gap stored. A resume re-reads the run's space (which must be unchanged), replays the
/// stored candidates and continues on the identical trajectory (DESIGN.md §4.6).
/// </summary>
internal static class SearchRun
{
    public static async Task<SearchRunResult> RunAsync(SearchRunRequest request, SearchRunEvents? events = null, CancellationToken cancellation = default)
    {
        events ??= new SearchRunEvents();
        var started = DateTimeOffset.UtcNow;
        events.Phase?.Invoke(request.Resume is null ? "loading the search space" : "opening the run");
        var (folder, store, space, settings, run) = request.Resume is { } resume ? Reopen(resume, request) : Create(request);
        using var _ = store;
        events.Phase?.Invoke("binding the graph and tokenizing the proxy items");
        using var evaluator = RecipeEvaluator.Create(new RecipeEvaluatorSettings
        {
            BaseModel = space.BaseModel,
            Onnx = space.Onnx,
            Proxy = space.Proxy,
            RecipeFolder = Path.GetDirectoryName(space.File),
            Seed = run.Seed,
            Strategy = request.Strategy,
            Session = request.Session,
            Racing = settings.Racing ? new Proxy.Racing.RaceSettings() : null,
            RetryDelay = request.RetryDelay,
        });
        var seeds = SeedGenomes.Of(space).Select(s => s.Genome).ToArray();
        var optimizer = OptimizerFactory.Create(run.Optimizer, space.Genome, run.Seed, seeds);
        var decoder = new RecipeDecoder(space);
        var replayed = store.ReadCandidates().Count;
        events.Started?.Invoke(new SearchRunStart(folder, settings.Budget, evaluator.SearchItems, replayed));
        events.Phase?.Invoke(replayed > 0 ? $"replaying {replayed} stored candidates" : "searching");
        var loop = new SearchLoop(optimizer, evaluator, decoder, store, new SearchLoopSettings
        {
            MaxCandidates = settings.Budget,
            InFlight = settings.InFlight,
            MaxConsecutiveFailures = settings.MaxConsecutiveFailures,
            Termination = settings.Hours is { } hours ? new WallClockLimit(TimeSpan.FromHours(hours)) : null,
            HallOfFameSize = settings.HallOfFameSize,
            Pairing = evaluator.Pairing,
            HallOfFameSeed = run.Seed,
            HallOfFameChanged = members =>
            {
                BestRecipes.Write(folder, store, members);
                events.HallOfFameChanged?.Invoke(members, RecipeBrief.Of(store.ReadCandidate(members[0].Id)!.Recipe));
            },
            Committed = (record, progress) =>
            {
                if (replayed > 0 && record.Sequence == replayed)
                    events.Phase?.Invoke("searching");
                events.Committed?.Invoke(record, progress);
            },
        });
        var outcome = await loop.RunAsync(cancellation);
        store.RecordSession(started, outcome.StopReason, outcome.CandidatesTold, outcome.Evaluated);

        var heldOut = Array.Empty<HeldOutResult>();
        if (!outcome.Cancelled && outcome.HallOfFame.Count > 0 && evaluator.HeldOutItems > 0)
        {
            events.Phase?.Invoke($"re-scoring the hall of fame on {evaluator.HeldOutItems} held-out items");
            try
            {
                heldOut = await ScoreHeldOut(evaluator, store, outcome.HallOfFame, cancellation);
                store.CommitHeldOut(heldOut);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                heldOut = [];
            }
        }
        var incumbent = outcome.Incumbent is { } best ? store.ReadCandidate(best.Id)!.Recipe : null;
        return new SearchRunResult(folder, outcome, heldOut, incumbent);
    }

    private static async Task<HeldOutResult[]> ScoreHeldOut(RecipeEvaluator evaluator, RunStore store, IReadOnlyList<long> hall, CancellationToken cancellation)
    {
        var results = new List<HeldOutResult>();
        for (var rank = 0; rank < hall.Count; rank++)
        {
            var record = store.ReadCandidate(hall[rank])!;
            try
            {
                var scored = await evaluator.ScoreHeldOutAsync(record.Recipe, record.Id, cancellation);
                results.Add(new HeldOutResult(rank, record.Id, record.Fitness!.Value, scored!.Value.Fitness, scored.Value.Items));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                results.Add(new HeldOutResult(rank, record.Id, record.Fitness!.Value, null, [], $"{e.GetType().Name}: {e.Message}"));
            }
        }
        return results.ToArray();
    }

    private static (string Folder, RunStore Store, SearchSpace Space, RunSettings Settings, RunInfo Run) Create(SearchRunRequest request)
    {
        var seedRecipes = request.SeedRecipes.Select(Path.GetFullPath).ToArray();
        var space = SearchSpace.Load(request.Space ?? throw new ArgumentException("a new run needs a search space", nameof(request)))
            .WithSeedRecipes(seedRecipes);
        var seed = request.Seed ?? space.Seed;
        var optimizer = request.Optimizer ?? "ga";
        if (!OptimizerFactory.Names.Contains(optimizer))
            throw new SearchSpaceException(space.File, $"unknown optimizer '{optimizer}'", $"use one of {string.Join(", ", OptimizerFactory.Names)}");
        var id = request.RunId ?? string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Path.GetFileNameWithoutExtension(space.File)}-{optimizer}-s{seed}");
        var folder = Path.GetFullPath(Path.Combine(request.RunsFolder, id));
        Directory.CreateDirectory(folder);
        var settings = new RunSettings(Path.GetFullPath(space.File), request.Budget ?? SearchRunRequest.DefaultBudget, request.Hours,
            request.InFlight ?? 1, request.Racing, request.HallOfFameSize, request.MaxConsecutiveFailures,
            [.. seedRecipes.Select(r => new StoredSeedRecipe(r, File.ReadAllText(r)))]);
        var run = new RunInfo(File.ReadAllText(space.File), seed, optimizer, ToolVersion, DateTimeOffset.UtcNow, settings.ToJson());
        var store = RunStore.Create(Path.Combine(folder, "run.db"), run);
        RunInputs.Write(folder, RunInputs.Of(space));
        return (folder, store, space, settings, run);
    }

    private static (string Folder, RunStore Store, SearchSpace Space, RunSettings Settings, RunInfo Run) Reopen(string resume, SearchRunRequest request)
    {
        var folder = Path.GetFullPath(resume);
        if (!Directory.Exists(folder))
            throw new RunStoreException(resume, "no run folder here", "give the folder of an earlier `evolve search` run, e.g. runs/<id>");
        var store = RunStore.Open(Path.Combine(folder, "run.db"));
        try
        {
            var run = store.ReadRun();
            if (request.Seed is { } seed && seed != run.Seed)
                throw new RunStoreException(store.Path, $"the run was started with seed {run.Seed}, not {seed}", "resume without --seed, or start a new run");
            if (request.Optimizer is { } optimizer && optimizer != run.Optimizer)
                throw new RunStoreException(store.Path, $"the run used optimizer {run.Optimizer}, not {optimizer}", "resume without --optimizer, or start a new run");
            var stored = RunSettings.FromJson(run.Settings, store.Path);
            CheckUnchanged(stored.SpacePath, run.SearchSpace, "search space", "run.db holds its text in the run table");
            foreach (var recipe in stored.SeedRecipes ?? [])
                CheckUnchanged(recipe.Path, recipe.Text, "seed recipe", "run.db holds its text in the run's settings");
            var settings = stored with
            {
                Budget = request.Budget ?? stored.Budget,
                Hours = request.Hours ?? stored.Hours,
                InFlight = request.InFlight ?? stored.InFlight,
            };
            store.UpdateSettings(settings.ToJson());
            var space = SearchSpace.Load(stored.SpacePath).WithSeedRecipes([.. (stored.SeedRecipes ?? []).Select(r => r.Path)]);
            return (folder, store, space, settings, run);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>A file a run read at its start must still hold the same text, or its candidates would not replay.</summary>
    private static void CheckUnchanged(string path, string text, string what, string copy)
    {
        if (!File.Exists(path))
            throw new RunStoreException(path, $"the run's {what} is gone", $"restore it ({copy}) and resume");
        if (File.ReadAllText(path) != text)
            throw new RunStoreException(path, $"the {what} changed since the run started, so its candidates would not replay",
                $"restore the file as it was ({copy}), or start a new run");
    }

    private static string ToolVersion =>
        typeof(SearchRun).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
}
