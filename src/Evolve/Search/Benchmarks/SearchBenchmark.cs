using System.Diagnostics;
using Evolve.Onnx;
using Evolve.Proxy.Scoring;
using Evolve.Search.Evaluation;
using Evolve.Search.Optimizers;
using Evolve.Search.Space;
using Evolve.Search.Store;

namespace Evolve.Search.Benchmarks;

/// <summary>What <c>evolve bench search</c> measures over.</summary>
internal sealed record SearchBenchmarkSettings
{
    public required string Space { get; init; }

    /// <summary>
    /// Timed candidates. Before them, untimed candidates warm both workflows up until each of the space's merge
    /// methods has run once (at most <see cref="SearchBenchmark.MaxWarmUps"/>), so no method's first, unoptimized
    /// kernels are timed.
    /// </summary>
    public int Candidates { get; init; } = 10;

    /// <summary>Seed of the candidates' genomes (random draws from the space), DARE masks and intervals; default the space's.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Where the disk workflow writes its merged folders (each deleted after scoring); default the temp folder.</summary>
    public string? WorkFolder { get; init; }

    public ScoringStrategy Strategy { get; init; } = ScoringStrategy.WeightsAsInputs;

    public OrtSessionSettings Session { get; init; } = OrtSessionSettings.Default;

    public int MergeThreads { get; init; } = Environment.ProcessorCount;
}

/// <summary>One candidate both ways: the in-memory split, the disk split, and how far apart their item scores are.</summary>
internal sealed record CandidateBenchmark(
    long Id, string Method, double MergeMs, double BindMs, double ScoreMs, double MemoryMs,
    DiskEvaluation Disk, int Items, double MaxItemDifference, bool SameFitness)
{
    public bool Identical => MaxItemDifference == 0 && SameFitness;
}

internal sealed record SearchBenchmarkResult(string Space, ulong Seed, int SearchItems, double StartupMs, int WarmUps, IReadOnlyList<CandidateBenchmark> Candidates)
{
    public double MemoryMs => Candidates.Average(c => c.MemoryMs);

    public double DiskMs => Candidates.Average(c => c.Disk.TotalMs);

    public double CandidatesPerHour => 3_600_000 / MemoryMs;

    public double DiskCandidatesPerHour => 3_600_000 / DiskMs;

    /// <summary>How many times longer a candidate takes the disk way.</summary>
    public double Ratio => DiskMs / MemoryMs;

    /// <summary>Shares of the in-memory wall time; <see cref="OtherShare"/> is what no step's clock covers (the fitness interval's bootstrap, task hand-offs).</summary>
    private double Wall => Candidates.Sum(c => c.MemoryMs);

    public double MergeShare => Candidates.Sum(c => c.MergeMs) / Wall;

    public double BindShare => Candidates.Sum(c => c.BindMs) / Wall;

    public double ScoreShare => Candidates.Sum(c => c.ScoreMs) / Wall;

    public double OtherShare => 1 - MergeShare - BindShare - ScoreShare;

    public bool Identical => Candidates.All(c => c.Identical);

    public double MaxItemDifference => Candidates.Max(c => c.MaxItemDifference);
}

/// <summary>
/// <c>evolve bench search</c>: the same candidates (random genomes of the space, decoded once) evaluated by the
/// search's evaluator (incremental in-memory merge, bind, score; no racing, so both ways score every search item)
/// and by <see cref="DiskWorkflow"/>, interleaved candidate by candidate so a busy machine slows both alike.
/// Reports candidates per hour, the in-memory split between merging, binding and scoring, the ratio of the disk
/// workflow's time, and whether both ways gave the same per-item scores.
/// </summary>
internal static class SearchBenchmark
{
    public const int MaxWarmUps = 20;

    public static async Task<SearchBenchmarkResult> RunAsync(SearchBenchmarkSettings settings, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        if (settings.Candidates < 1)
            throw new ArgumentOutOfRangeException(nameof(settings), "at least one candidate");
        var space = SearchSpace.Load(settings.Space);
        var seed = settings.Seed ?? space.Seed;
        var recipeFolder = Path.GetDirectoryName(space.File);
        var scoring = new ScoringOptions() with { Seed = seed };
        var clock = Stopwatch.StartNew();
        using var evaluator = RecipeEvaluator.Create(new RecipeEvaluatorSettings
        {
            BaseModel = space.BaseModel,
            Onnx = space.Onnx,
            Proxy = space.Proxy,
            RecipeFolder = recipeFolder,
            Seed = seed,
            Scoring = scoring,
            Strategy = settings.Strategy,
            Session = settings.Session,
            Racing = null,
            MergeThreads = settings.MergeThreads,
        });
        var startup = clock.Elapsed.TotalMilliseconds;
        var request = new ModelScoringRequest([], space.BaseModel, space.Onnx, space.Proxy, scoring, settings.Strategy, settings.Session);
        var optimizer = new RandomSearch(space.Genome, seed);
        var decoder = new RecipeDecoder(space);
        var work = Path.Combine(settings.WorkFolder ?? Path.GetTempPath(), $"evolve-bench-search-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var results = new List<CandidateBenchmark>();
            var warmed = new HashSet<string>();
            var warmUps = 0;
            while (results.Count < settings.Candidates)
            {
                var candidate = optimizer.Ask();
                var recipe = decoder.RecipeText(candidate.Genome);
                var method = decoder.MethodOf(candidate.Genome).Name;
                var warmUp = warmed.Count < space.Methods.Count && warmUps < MaxWarmUps;
                progress?.Report(warmUp ? $"warm-up candidate ({method})" : $"candidate {results.Count + 1}/{settings.Candidates} ({method})");
                clock.Restart();
                var memory = await evaluator.EvaluateAsync(new CandidateRequest(candidate, recipe, null), cancellation);
                var memoryMs = clock.Elapsed.TotalMilliseconds;
                if (memory.Status != CandidateStatus.Ok)
                    throw new InvalidOperationException($"candidate {candidate.Id} failed in memory: {memory.Failure}");
                var disk = DiskWorkflow.Evaluate(recipe, recipeFolder, Path.Combine(work, $"candidate-{candidate.Id}"), request, settings.MergeThreads);
                Directory.Delete(Path.Combine(work, $"candidate-{candidate.Id}"), recursive: true);
                if (warmUp)
                {
                    warmed.Add(method);
                    warmUps++;
                    continue;
                }
                var t = memory.TimingsMs!;
                results.Add(new CandidateBenchmark(candidate.Id, method, t["merge"], t["bind"], t["score"], memoryMs, disk,
                    memory.Items.Count, MaxDifference(memory.Items, disk.Scores), memory.Fitness == disk.Scores.Fitness));
            }
            return new SearchBenchmarkResult(space.File, seed, evaluator.SearchItems, startup, warmUps, results);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The largest |difference| between the two ways' item scores; +∞ when they did not score the same items.</summary>
    internal static double MaxDifference(IReadOnlyList<StoredItemScore> memory, ModelScores disk)
    {
        var diskItems = disk.Tasks.SelectMany(t => t.Items).ToDictionary(i => (i.Task, i.Id), i => i.Score);
        if (diskItems.Count != memory.Count)
            return double.PositiveInfinity;
        var max = 0.0;
        foreach (var item in memory)
        {
            if (!diskItems.TryGetValue((item.Task, item.Item), out var score))
                return double.PositiveInfinity;
            max = Math.Max(max, Math.Abs(score - item.Value));
        }
        return max;
    }
}
