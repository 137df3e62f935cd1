using Evolve.Onnx;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Statistics;
using Evolve.Search;
using Evolve.Search.Evaluation;
using Evolve.Search.Genome;
using Evolve.Search.Store;

namespace Evolve.Tests.Search;

/// <summary>
/// The search's evaluator on the zoo: incremental in-memory merges score exactly as a from-scratch merge scored by
/// `evolve score`, a NaN merge fails with the tensor named, racing stops a hopeless candidate and counts the items
/// it saved.
/// </summary>
public class RecipeEvaluatorTests
{
    private static CandidateRequest Request(long id, string recipe, HallMember? incumbent = null) =>
        new(new Candidate(id, [0.0]), recipe, incumbent);

    /// <summary>The same recipe merged from scratch into a file-less weight set and scored by `evolve score`'s path.</summary>
    private static ModelScores FromScratch(string recipe, Evolve.Proxy.Tasks.ProxyDeclaration proxy, RecipeEvaluatorSettings settings)
    {
        var path = Path.Combine(RepoPaths.NewTempDir("from-scratch"), "recipe.yaml");
        File.WriteAllText(path, recipe);
        return ModelScoring.Run(new ModelScoringRequest([path], settings.BaseModel, settings.Onnx, proxy,
            settings.Scoring with { Seed = settings.Seed }, ScoringStrategy.WeightsAsInputs, OrtSessionSettings.Default))[0];
    }

    [Fact]
    public async Task Incremental_merges_score_as_a_from_scratch_merge_in_any_order()
    {
        var proxy = ZooSearchFiles.Proxy();
        var settings = ZooSearchFiles.Settings(proxy, racing: false);
        using var evaluator = RecipeEvaluator.Create(settings);
        var a = ZooSearchFiles.TaskArithmetic(1.0, 1.0, 1.0);
        var b = ZooSearchFiles.TaskArithmetic(1.0, 0.5, 1.0);
        var first = await evaluator.EvaluateAsync(Request(0, a), default);
        var second = await evaluator.EvaluateAsync(Request(1, b), default);
        var again = await evaluator.EvaluateAsync(Request(2, a), default);

        Assert.Equal(40, evaluator.SearchItems);
        foreach (var (evaluation, recipe) in new[] { (first, a), (second, b), (again, a) })
        {
            Assert.Equal(CandidateStatus.Ok, evaluation.Status);
            var reference = FromScratch(recipe, proxy, settings);
            Assert.Equal(reference.Fitness, evaluation.Fitness);
            var expectedItems = reference.Tasks.SelectMany(t => t.Items).Select(i => (i.Task, i.Id, i.Score)).OrderBy(x => x.Task).ThenBy(x => x.Id);
            Assert.Equal(expectedItems, evaluation.Items.Select(i => (i.Task, i.Item, i.Value)).OrderBy(x => x.Task).ThenBy(x => x.Item));
            Assert.True(evaluation.TimingsMs!["merge"] > 0 && evaluation.TimingsMs["bind"] > 0 && evaluation.TimingsMs["score"] > 0);
        }
        Assert.NotEqual(first.Fitness, second.Fitness);
    }

    [Fact]
    public async Task A_merge_with_nan_weights_fails_with_the_tensor_named_and_the_next_candidate_scores()
    {
        using var evaluator = RecipeEvaluator.Create(ZooSearchFiles.Settings(ZooSearchFiles.Proxy(), racing: false));
        var failed = await evaluator.EvaluateAsync(Request(0, ZooSearchFiles.OverflowingLinear()), default);
        Assert.Equal(CandidateStatus.Failed, failed.Status);
        Assert.Matches(@"^merged tensor \S+ holds (NaN|\+Inf|-Inf) at element \d+$", failed.Failure);
        Assert.True(failed.TimingsMs!.ContainsKey("merge"));
        var next = await evaluator.EvaluateAsync(Request(1, ZooSearchFiles.TaskArithmetic(1, 1, 1)), default);
        Assert.Equal(CandidateStatus.Ok, next.Status);
    }

    [Fact]
    public async Task A_bad_tensor_reused_unchanged_by_the_next_candidate_fails_that_candidate_too()
    {
        using var evaluator = RecipeEvaluator.Create(ZooSearchFiles.Settings(ZooSearchFiles.Proxy(), racing: false));
        var first = await evaluator.EvaluateAsync(Request(0, ZooSearchFiles.OverflowingMlp(0.5)), default);
        Assert.Equal(CandidateStatus.Failed, first.Status);
        Assert.Matches(@"^merged tensor \S+mlp\S+ holds (NaN|\+Inf|-Inf) at element \d+$", first.Failure);
        // Only the non-MLP tensors are recomputed; the MLP tensors keep their keys and their overflowed values.
        var second = await evaluator.EvaluateAsync(Request(1, ZooSearchFiles.OverflowingMlp(0.25)), default);
        Assert.Equal(CandidateStatus.Failed, second.Status);
        Assert.Equal(first.Failure, second.Failure);
    }

    [Fact]
    public async Task Racing_stops_a_candidate_that_cannot_beat_the_incumbent_and_counts_the_items_saved()
    {
        var proxy = ZooSearchFiles.Proxy();
        using var evaluator = RecipeEvaluator.Create(ZooSearchFiles.Settings(proxy));
        var incumbent = await evaluator.EvaluateAsync(Request(0, ZooSearchFiles.TaskArithmetic(0.5, 0.5, 0.5)), default);
        // Task vectors added at 1.3 each overshoot so far that the zoo's own table has such merges near zero everywhere.
        var hopeless = ZooSearchFiles.TaskArithmetic(1.3, 1.3, 1.3);
        var raced = await evaluator.EvaluateAsync(Request(1, hopeless, new HallMember(0, incumbent.Fitness!.Value)), default);

        Assert.Equal(CandidateStatus.RacedOut, raced.Status);
        Assert.True(raced.ItemsSaved > 0);
        Assert.Equal(evaluator.SearchItems, raced.Items.Count + raced.ItemsSaved);
        Assert.Equal(0, (raced.Items.Count - 10) % 5);
        // What racing did score equals the full scoring of those items.
        var full = await evaluator.EvaluateAsync(Request(2, hopeless), default);
        var fullByItem = full.Items.ToDictionary(i => (i.Task, i.Item), i => i.Value);
        Assert.All(raced.Items, i => Assert.Equal(fullByItem[(i.Task, i.Item)], i.Value));
        Assert.True(full.Fitness!.Value.Estimate < incumbent.Fitness.Value.Estimate);
    }
}

/// <summary>The search loop over the real evaluator: failures are recorded and the search goes on, or stops after too many.</summary>
public class EvaluatorLoopTests
{
    private static readonly GenomeSpace Genes = new([GeneSpec.Real("nines", 0, 1.5), GeneSpec.Real("enc", 0, 1.5), GeneSpec.Real("spell", 0, 1.5)]);

    private static RunStore NewStore(string optimizer) =>
        RunStore.Create(Path.Combine(RepoPaths.NewTempDir("evaluator-loop"), "run.db"), new RunInfo("zoo task arithmetic", 3, optimizer, "test", DateTimeOffset.UnixEpoch));

    [Fact]
    public async Task A_candidate_whose_merge_overflows_is_recorded_as_failed_and_the_search_goes_on()
    {
        using var store = NewStore("random");
        using var evaluator = RecipeEvaluator.Create(ZooSearchFiles.Settings(ZooSearchFiles.Proxy()));
        // The first asked genome (a seed) decodes to the overflowing recipe; the random draws after it to task arithmetic.
        var optimizer = new Evolve.Search.Optimizers.RandomSearch(Genes, 3, [[0.0, 0.0, 0.0]]);
        var outcome = await new SearchLoop(optimizer, evaluator, new ZooSearchFiles.Decoder(), store,
            new SearchLoopSettings { MaxCandidates = 4, MaxConsecutiveFailures = 2, Pairing = evaluator.Pairing }).RunAsync();

        Assert.False(outcome.Aborted);
        var history = store.ReadCandidates();
        Assert.Equal(4, history.Count);
        Assert.Equal(CandidateStatus.Failed, history[0].Status);
        Assert.Matches(@"^merged tensor \S+ holds (NaN|\+Inf|-Inf) at element \d+$", history[0].Failure);
        Assert.Null(history[0].Fitness);
        Assert.All(history.Skip(1), c => Assert.NotEqual(CandidateStatus.Failed, c.Status));
        Assert.Equal(history[1].Id, store.ReadHallOfFame()[0]);
    }

    private sealed class Overflowing : IGenomeDecoder
    {
        public string RecipeText(double[] genome) => ZooSearchFiles.OverflowingLinear();
    }

    [Fact]
    public async Task Consecutive_failures_stop_the_run_with_the_reason_and_a_repeated_recipe_is_served_from_the_archive()
    {
        using var store = NewStore("random");
        using var evaluator = RecipeEvaluator.Create(ZooSearchFiles.Settings(ZooSearchFiles.Proxy()));
        var outcome = await new SearchLoop(new Evolve.Search.Optimizers.RandomSearch(Genes, 3), evaluator, new Overflowing(), store,
            new SearchLoopSettings { MaxCandidates = 50, MaxConsecutiveFailures = 3 }).RunAsync();

        Assert.True(outcome.Aborted);
        var history = store.ReadCandidates();
        Assert.Equal(3, history.Count);
        Assert.Matches(@"^stopped after 3 failed candidates in a row; the last failure: merged tensor \S+ holds (NaN|\+Inf|-Inf) at element \d+$", outcome.StopReason);
        // One evaluation: the other two genomes decode to the same recipe text and take its result from the archive.
        Assert.Equal(1, outcome.Evaluated);
        Assert.Equal([null, 0L, 0L], history.Select(c => c.ServedFrom));
        Assert.All(history, c => Assert.Equal(history[0].Failure, c.Failure));
    }
}
