using System.Diagnostics;
using Evolve.Checkpoints;
using Evolve.Merging.Execution;
using Evolve.Merging.Planning;
using Evolve.Merging.Recipes;
using Evolve.Proxy;
using Evolve.Proxy.Racing;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Statistics;
using Evolve.Proxy.Tasks;
using Evolve.Search.Store;
using Polly;

namespace Evolve.Search.Evaluation;

/// <summary>
/// The search's evaluator (DESIGN.md §2): a candidate's recipe is merged incrementally in memory into one reusable
/// <see cref="WeightSet"/> (only tensors whose plan key changed are recomputed; nothing is written to disk), bound
/// incrementally into the graph's layout, and scored through the one ORT session bound to the base at start, with
/// racing against the incumbent on the search items in a fixed seeded order. Merging one candidate may overlap
/// scoring the previous one (the weight set is double-buffered): merging and scoring each take one candidate at a
/// time. NaN/Inf weights, ORT errors and running out of memory fail the candidate with the reason; transient
/// failures are retried first (<see cref="TransientFailures"/>). Timings are split into merge, bind and score.
/// </summary>
internal sealed class RecipeEvaluator : ICandidateEvaluator, IDisposable
{
    private readonly RecipeEvaluatorSettings _settings;
    private readonly HfModelFolder _base;
    private readonly CheckpointScorer _scorer;
    private readonly ProxyScorer _search;
    private readonly ProxyScorer? _heldOut;
    private readonly OpenModels _models;
    private readonly WeightSet _weights = new();
    private readonly MergeExecutor _executor;
    private readonly IncrementalBinding _binding;
    private readonly ResiliencePipeline _retry;
    private readonly SemaphoreSlim _merging = new(1, 1);
    private readonly SemaphoreSlim _scoring = new(1, 1);
    private readonly Dictionary<string, int> _itemIndex;
    private readonly Dictionary<string, string> _nonFinite = [];

    private RecipeEvaluator(RecipeEvaluatorSettings settings, HfModelFolder baseModel, CheckpointScorer scorer, ProxyScorer search, ProxyScorer? heldOut)
    {
        _settings = settings;
        _base = baseModel;
        _scorer = scorer;
        _search = search;
        _heldOut = heldOut;
        _models = new OpenModels(settings.RecipeFolder);
        _executor = new MergeExecutor(new MergeExecutorOptions { Threads = settings.MergeThreads });
        _binding = new IncrementalBinding(scorer.Binding);
        _retry = TransientFailures.Pipeline(settings.MaxRetries, settings.RetryDelay);
        _itemIndex = search.Items.Select((item, i) => (item.Item.Task + "\n" + item.Item.Id, i)).ToDictionary(p => p.Item1, p => p.i);
        TaskWeights = search.Items.GroupBy(i => i.Item.Task).ToDictionary(g => g.Key, g => g.First().Settings.Weight);
    }

    /// <summary>Items of the search split, each task's weight, and the held-out item count (0 without a held-out split).</summary>
    public int SearchItems => _search.Items.Count;

    public int HeldOutItems => _heldOut?.Items.Count ?? 0;

    public IReadOnlyDictionary<string, double> TaskWeights { get; }

    /// <summary>The per-item fitness contributions the hall of fame's paired test compares.</summary>
    public FitnessItems Pairing => new(TaskWeights);

    /// <summary>Opens the base, binds its graph once, reads and tokenizes the proxy items (search and held-out).</summary>
    public static RecipeEvaluator Create(RecipeEvaluatorSettings settings)
    {
        var (searchItems, heldOutItems) = settings.Proxy.ReadItems();
        if (searchItems.Count == 0)
            throw new TaskSettingsException("the proxy block", "the search split has no items", "give proxy files with at least one item");
        var baseModel = HfModelFolder.Open(settings.BaseModel);
        CheckpointScorer? scorer = null;
        try
        {
            var codec = TokenizerCodec.ForModel(baseModel);
            scorer = CheckpointScorer.Create(settings.Onnx, baseModel.Weights, settings.Strategy, settings.Session);
            scorer.CheckTokenizer(codec, codec.Tokenizer.File);
            var context = ModelContext.FromConfig(baseModel);
            var scoring = settings.Scoring with { Seed = settings.Seed };
            var search = new ProxyScorer(codec, searchItems, scoring, settings.Proxy.SettingsOf, context);
            var heldOut = heldOutItems.Count == 0 ? null : new ProxyScorer(codec, heldOutItems, scoring, settings.Proxy.SettingsOf, context);
            return new RecipeEvaluator(settings, baseModel, scorer, search, heldOut);
        }
        catch
        {
            scorer?.Dispose();
            baseModel.Dispose();
            throw;
        }
    }

    public async Task<CandidateEvaluation> EvaluateAsync(CandidateRequest request, CancellationToken cancellation)
    {
        var timings = new Dictionary<string, double>();
        try
        {
            return await _retry.ExecuteAsync(
                async token => await Evaluate(request, timings, token),
                cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return CandidateEvaluation.Failed(FailureReason(e), timings);
        }
    }

    /// <summary>
    /// Re-scores a recipe (a hall-of-fame member) on the held-out split, every item, no racing: its held-out fitness
    /// with interval and the item scores. Null when the search space declares no held-out split.
    /// </summary>
    public async Task<(Interval Fitness, IReadOnlyList<StoredItemScore> Items)?> ScoreHeldOutAsync(string recipe, long candidateId, CancellationToken cancellation)
    {
        if (_heldOut is null)
            return null;
        var timings = new Dictionary<string, double>();
        using var bound = await Merge(recipe, candidateId, timings, cancellation);
        await _scoring.WaitAsync(cancellation);
        try
        {
            var scores = await Task.Run(() =>
            {
                using var model = _scorer.Model(bound.Weights);
                return _heldOut.ScoreItems(model, Enumerable.Range(0, _heldOut.Items.Count).ToArray());
            }, cancellation);
            return (Fitness.Of(_heldOut.Summarize(scores), _settings.Seed), Stored(scores));
        }
        finally
        {
            _scoring.Release();
        }
    }

    private async Task<CandidateEvaluation> Evaluate(CandidateRequest request, Dictionary<string, double> timings, CancellationToken cancellation)
    {
        using var bound = await Merge(request.Recipe, request.Candidate.Id, timings, cancellation);
        await _scoring.WaitAsync(cancellation);
        try
        {
            return await Task.Run(() => Score(bound, request.Incumbent, timings), cancellation);
        }
        finally
        {
            _scoring.Release();
        }
    }

    /// <summary>Merges the recipe into the weight set, checks the recomputed tensors, and binds the result.</summary>
    private async Task<BoundCandidate> Merge(string recipeText, long candidateId, Dictionary<string, double> timings, CancellationToken cancellation)
    {
        await _merging.WaitAsync(cancellation);
        try
        {
            return await Task.Run(() =>
            {
                var clock = Stopwatch.StartNew();
                using var snapshot = MergeChecked(recipeText, candidateId, timings, clock);
                clock.Restart();
                var bound = _binding.Bind(snapshot);
                timings["bind"] = clock.Elapsed.TotalMilliseconds;
                return bound;
            }, cancellation);
        }
        finally
        {
            _merging.Release();
        }
    }

    /// <summary>The recipe merged into the weight set, its recomputed tensors checked for NaN/Inf (the merge time includes the check).</summary>
    private WeightSnapshot MergeChecked(string recipeText, long candidateId, Dictionary<string, double> timings, Stopwatch clock)
    {
        try
        {
            var recipe = RecipeYaml.Parse(recipeText, $"candidate {candidateId}");
            using var models = _models.For(recipe);
            var plan = MergePlanner.Plan(recipe, models, _settings.Seed);
            var stats = _executor.MergeInto(plan, _weights);
            var snapshot = _weights.Acquire();
            try
            {
                CheckFinite(snapshot, stats.ComputedNames);
                return snapshot;
            }
            catch
            {
                snapshot.Dispose();
                throw;
            }
        }
        finally
        {
            timings["merge"] = clock.Elapsed.TotalMilliseconds;
        }
    }

    /// <summary>
    /// Checks the recomputed tensors and remembers the keys of bad ones: a later candidate that reuses such a tensor
    /// unchanged (same key) is not recomputed, so it fails on the remembered key instead of scoring NaN weights.
    /// </summary>
    private void CheckFinite(WeightSnapshot snapshot, IReadOnlyList<string> computed)
    {
        foreach (var name in computed)
            if (FiniteCheck.FirstNonFinite(snapshot.Get(name)) is { } bad)
                _nonFinite[snapshot.Key(name)] = $"merged tensor {name} holds {bad}";
        if (_nonFinite.Count == 0)
            return;
        foreach (var tensor in snapshot.Tensors)
            if (_nonFinite.TryGetValue(snapshot.Key(tensor.Name), out var reason))
                throw new NonFiniteWeightsException(reason);
    }

    private CandidateEvaluation Score(BoundCandidate bound, HallMember? incumbent, Dictionary<string, double> timings)
    {
        var clock = Stopwatch.StartNew();
        using var model = _scorer.Model(bound.Weights);
        ItemScore[] scores;
        var itemsSaved = 0;
        var stopped = false;
        if (_settings.Racing is { } racing && incumbent is not null)
        {
            var race = RacingScorer.Run(_search, model, incumbent.Fitness.Estimate, racing with { Seed = _settings.Seed });
            // Back into the items' own order, so a full race gives the very intervals a plain scoring pass gives.
            scores = race.Scored.OrderBy(s => _itemIndex[s.Task + "\n" + s.Id]).ToArray();
            itemsSaved = race.ItemsSaved;
            stopped = race.Stopped;
        }
        else
            scores = _search.ScoreItems(model, Enumerable.Range(0, _search.Items.Count).ToArray());
        timings["score"] = clock.Elapsed.TotalMilliseconds;
        var fitness = Fitness.Of(_search.Summarize(scores), _settings.Seed);
        return stopped
            ? CandidateEvaluation.RacedOut(fitness, Stored(scores), itemsSaved, timings)
            : CandidateEvaluation.Scored(fitness, Stored(scores), timings);
    }

    private static StoredItemScore[] Stored(IReadOnlyList<ItemScore> scores) =>
        scores.Select(s => new StoredItemScore(s.Task, s.Id, s.Score)).ToArray();

    private static string FailureReason(Exception e) => e switch
    {
        NonFiniteWeightsException => e.Message,
        OutOfMemoryException or InsufficientMemoryException => $"out of memory: {e.Message}",
        Errors.EvolveInputException => e.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    public void Dispose()
    {
        _binding.Dispose();
        _weights.Dispose();
        _models.Dispose();
        _scorer.Dispose();
        _base.Dispose();
        _merging.Dispose();
        _scoring.Dispose();
    }
}
