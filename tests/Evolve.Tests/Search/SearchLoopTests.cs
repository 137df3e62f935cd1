using Evolve.Proxy.Statistics;
using Evolve.Search;
using Evolve.Search.Genome;
using Evolve.Search.Optimizers;
using Evolve.Search.Store;
using Evolve.Tests.Child;

namespace Evolve.Tests.Search;

public class SearchLoopTests
{
    private const long Budget = 60;

    private static string NewDb() => Path.Combine(RepoPaths.NewTempDir("searchloop"), "run.db");

    /// <summary>An uninterrupted run's history: what every resumed run must reproduce.</summary>
    private static async Task<IReadOnlyList<CandidateRecord>> Uninterrupted(string optimizer, ulong seed, int inFlight)
    {
        using var store = SyntheticSearch.CreateStore(NewDb(), optimizer, seed);
        var outcome = await SyntheticSearch.Loop(store, optimizer, seed, Budget, inFlight).RunAsync();
        Assert.Equal(Budget, outcome.CandidatesTold);
        return store.ReadCandidates();
    }

    private static void AssertSameHistory(IReadOnlyList<CandidateRecord> expected, IReadOnlyList<CandidateRecord> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            Assert.Equal((e.Id, e.Sequence, e.Status, e.Failure, e.RecipeHash), (a.Id, a.Sequence, a.Status, a.Failure, a.RecipeHash));
            Assert.Equal(e.Genome.Select(BitConverter.DoubleToInt64Bits), a.Genome.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.Fitness?.Estimate ?? 0), BitConverter.DoubleToInt64Bits(a.Fitness?.Estimate ?? 0));
        }
    }

    [Theory]
    [InlineData("ga", 1)]
    [InlineData("ga", 4)]
    [InlineData("cmaes", 1)]
    [InlineData("cmaes", 4)]
    public async Task A_run_interrupted_after_k_candidates_and_resumed_repeats_the_uninterrupted_history(string optimizer, int inFlight)
    {
        const ulong seed = 31;
        var expected = await Uninterrupted(optimizer, seed, inFlight);
        Assert.Contains(expected, c => c.Status == CandidateStatus.Failed);
        // Asynchronous runs tell out of ask order: the schedule really is not a generation barrier.
        if (inFlight > 1)
            Assert.Contains(expected, c => c.Id != c.Sequence);

        var path = NewDb();
        using (var store = SyntheticSearch.CreateStore(path, optimizer, seed))
        {
            using var interrupt = new CancellationTokenSource();
            var outcome = await SyntheticSearch.Loop(store, optimizer, seed, Budget, inFlight, committed: (record, _) =>
            {
                if (record.Sequence == 22)
                    interrupt.Cancel();
            }).RunAsync(interrupt.Token);
            Assert.True(outcome.Cancelled);
            Assert.Equal(23, store.ReadCandidates().Count);
        }
        using (var store = RunStore.Open(path))
        {
            var outcome = await SyntheticSearch.Loop(store, optimizer, seed, Budget, inFlight).RunAsync();
            Assert.Equal(23, outcome.Replayed);
            Assert.Equal(Budget - 23, outcome.Evaluated);
            AssertSameHistory(expected, store.ReadCandidates());
        }
    }

    [Theory]
    [InlineData("ga")]
    [InlineData("cmaes")]
    public async Task A_run_killed_with_sigkill_in_another_process_resumes_onto_the_uninterrupted_history(string optimizer)
    {
        const ulong seed = 8;
        const int inFlight = 3;
        var path = NewDb();
        var child = ChildProcess.Start("search", path, optimizer, $"{seed}", $"{Budget}", $"{inFlight}", "15");
        ChildProcess.KillWhen(child, line => line == "told 30");
        using var store = RunStore.Open(path);
        var killedAt = store.ReadCandidates().Count;
        Assert.InRange(killedAt, 31, (int)Budget - 1);

        var outcome = await SyntheticSearch.Loop(store, optimizer, seed, Budget, inFlight).RunAsync();
        Assert.Equal(killedAt, outcome.Replayed);
        AssertSameHistory(await Uninterrupted(optimizer, seed, inFlight), store.ReadCandidates());
    }

    [Fact]
    public async Task Failed_candidates_are_recorded_with_their_reason_and_the_search_goes_on()
    {
        var history = await Uninterrupted("ga", 31, 2);
        var failed = history.Where(c => c.Status == CandidateStatus.Failed).ToArray();
        Assert.Contains(failed, c => c.Failure == "InvalidOperationException: synthetic ORT error");
        Assert.Contains(failed, c => c.Failure == "the evaluator returned a NaN fitness");
        Assert.All(failed, c => Assert.Null(c.Fitness));
        Assert.All(history.Where(c => c.Status == CandidateStatus.Ok), c =>
        {
            var reference = NoisyQuadratic.Score(c.Genome);
            Assert.Equal(reference.Fitness, c.Fitness);
            Assert.Equal(NoisyQuadratic.Items, c.ItemsEvaluated);
        });
    }

    private sealed class AlwaysFailing : ICandidateEvaluator
    {
        public int Calls;

        public Task<CandidateEvaluation> EvaluateAsync(CandidateRequest request, CancellationToken cancellation)
        {
            var candidate = request.Candidate;
            Calls++;
            throw new InsufficientMemoryException("out of memory binding model.layers.3.mlp.up_proj.weight");
        }
    }

    [Fact]
    public async Task Consecutive_failures_stop_the_run_with_the_last_reason()
    {
        using var store = SyntheticSearch.CreateStore(NewDb(), "random", 1);
        var evaluator = new AlwaysFailing();
        var outcome = await new SearchLoop(new RandomSearch(SyntheticSearch.Space, 1), evaluator, new GenomeListing(SyntheticSearch.Space), store,
            new SearchLoopSettings { MaxCandidates = 100, MaxConsecutiveFailures = 4 }).RunAsync();
        Assert.True(outcome.Aborted);
        Assert.Equal("stopped after 4 failed candidates in a row; the last failure: InsufficientMemoryException: out of memory binding model.layers.3.mlp.up_proj.weight",
            outcome.StopReason);
        Assert.Equal(4, evaluator.Calls);
        Assert.Equal(4, store.ReadCandidates().Count(c => c.Status == CandidateStatus.Failed));
    }

    private sealed class CountingEvaluator : ICandidateEvaluator
    {
        public readonly List<double[]> Evaluated = [];

        public Task<CandidateEvaluation> EvaluateAsync(CandidateRequest request, CancellationToken cancellation)
        {
            var candidate = request.Candidate;
            Evaluated.Add(candidate.Genome);
            var f = candidate.Genome[0] * 3 + candidate.Genome[1];
            return Task.FromResult(CandidateEvaluation.Scored(new Interval(f, f - 0.1, f + 0.1, 1), [new StoredItemScore("t", "only", f)]));
        }
    }

    [Fact]
    public async Task An_identical_recipe_is_served_from_the_archive_instead_of_being_evaluated_again()
    {
        // Two categorical genes with 3 choices: 9 recipes, so 40 random candidates must repeat.
        var space = new GenomeSpace([GeneSpec.Categorical("method", 3), GeneSpec.Categorical("filter", 3)]);
        using var store = RunStore.Create(NewDb(), new RunInfo("two categorical genes", 4, "random", "test", DateTimeOffset.UnixEpoch));
        var evaluator = new CountingEvaluator();
        var outcome = await new SearchLoop(new RandomSearch(space, 4), evaluator, new GenomeListing(space), store,
            new SearchLoopSettings { MaxCandidates = 40, InFlight = 3 }).RunAsync();

        var history = store.ReadCandidates();
        Assert.Equal(40, history.Count);
        var distinct = history.Select(c => c.RecipeHash).Distinct().Count();
        Assert.Equal(distinct, evaluator.Evaluated.Count);
        Assert.Equal(distinct, outcome.Evaluated);
        Assert.Equal(9, distinct);
        foreach (var served in history.Where(c => c.ServedFrom is not null))
        {
            var original = history.Single(c => c.Id == served.ServedFrom);
            Assert.Equal(original.RecipeHash, served.RecipeHash);
            Assert.Null(original.ServedFrom);
            Assert.Equal(original.Fitness, served.Fitness);
        }
        // Best: method 2, filter 2 → 3·2 + 2 = 8.
        Assert.Equal(8.0, outcome.BestFitness);
        Assert.Equal(history.Single(c => c.ServedFrom is null && c.Genome[0] == 2 && c.Genome[1] == 2).Id, store.ReadHallOfFame()[0]);
    }

    [Fact]
    public async Task Resuming_with_another_seed_or_optimizer_is_refused_with_the_run_database_named()
    {
        var path = NewDb();
        using (var store = SyntheticSearch.CreateStore(path, "ga", 5))
            await SyntheticSearch.Loop(store, "ga", 5, 15, 2).RunAsync();
        using (var store = RunStore.Open(path))
        {
            var wrongSeed = await Assert.ThrowsAsync<RunStoreException>(() => SyntheticSearch.Loop(store, "ga", 6, 30, 2).RunAsync());
            Assert.Equal($"{path}: candidate 1 (told as number 0) is not what ga with seed 5 asks when replayed. resume with the search space, optimizer settings and Evolve version that started the run, or start a new run",
                wrongSeed.Message);
            var wrongOptimizer = await Assert.ThrowsAsync<RunStoreException>(() => SyntheticSearch.Loop(store, "cmaes", 5, 30, 2).RunAsync());
            Assert.Equal($"{path}: the run used optimizer ga, not cmaes. resume with --optimizer ga", wrongOptimizer.Message);
        }
    }

    [Fact]
    public async Task A_termination_stops_asking_and_finishes_the_candidates_in_flight()
    {
        using var store = SyntheticSearch.CreateStore(NewDb(), "ga", 3);
        var outcome = await new SearchLoop(SyntheticSearch.Optimizer("ga", 3), new CountingEvaluator(), new GenomeListing(SyntheticSearch.Space), store,
            new SearchLoopSettings { MaxCandidates = 1000, InFlight = 3, Termination = new Evolve.Search.Terminations.GenerationLimit(4) })
            .RunAsync();
        Assert.Equal("reached 4 generations", outcome.StopReason);
        // Generation 4 is reached at the 40th tell (population 10); the two candidates then in flight are finished.
        Assert.Equal(42, store.ReadCandidates().Count);
        Assert.Equal(42, outcome.CandidatesTold);
    }

    /// <summary>
    /// Like the real evaluator's merge and scoring passes, an evaluation once started runs to its end whatever the
    /// token says; candidate 0 fails at once when asked to, the others wait for <see cref="Release"/>.
    /// </summary>
    private sealed class UninterruptibleEvaluator(bool failFirst) : ICandidateEvaluator
    {
        public readonly TaskCompletionSource AllStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Waiting;
        public int Started;
        public int Finished;

        public async Task<CandidateEvaluation> EvaluateAsync(CandidateRequest request, CancellationToken cancellation)
        {
            if (failFirst && request.Candidate.Id == 0)
                return CandidateEvaluation.Failed("synthetic ORT error");
            if (Interlocked.Increment(ref Started) == Waiting)
                AllStarted.SetResult();
            await Release.Task;
            Interlocked.Increment(ref Finished);
            return CandidateEvaluation.Scored(new Interval(0.5, 0.4, 0.6, 1), [new StoredItemScore("t", "only", 0.5)]);
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(3, true)]
    public async Task A_loop_ended_by_interruption_or_abort_returns_only_after_the_evaluations_in_flight_end(int inFlight, bool abort)
    {
        // The caller disposes the evaluator (mapped checkpoints, weight buffers, the ORT session) once the loop
        // returns: an evaluation still running then reads freed memory and the process dies (SIGTERM test, exit 134).
        using var store = SyntheticSearch.CreateStore(NewDb(), "ga", 3);
        var evaluator = new UninterruptibleEvaluator(abort) { Waiting = abort ? inFlight - 1 : inFlight };
        using var interrupt = new CancellationTokenSource();
        var run = new SearchLoop(SyntheticSearch.Optimizer("ga", 3), evaluator, new GenomeListing(SyntheticSearch.Space), store,
            new SearchLoopSettings { MaxCandidates = 10, InFlight = inFlight, MaxConsecutiveFailures = 1 }).RunAsync(interrupt.Token);
        await evaluator.AllStarted.Task;
        if (!abort)
            await interrupt.CancelAsync();

        var first = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.NotSame(run, first);
        evaluator.Release.SetResult();
        var outcome = await run;
        Assert.Equal(evaluator.Waiting, evaluator.Finished);
        Assert.Equal((abort, !abort), (outcome.Aborted, outcome.Cancelled));
        Assert.Equal(abort ? 1 : 0, store.ReadCandidates().Count);
    }

    [Fact]
    public async Task A_replay_reports_its_hall_of_fame_once_not_each_replayed_change()
    {
        using var store = SyntheticSearch.CreateStore(NewDb(), "ga", 3);
        SearchLoop Loop(List<long[]> calls) => new(SyntheticSearch.Optimizer("ga", 3), new CountingEvaluator(), new GenomeListing(SyntheticSearch.Space), store,
            new SearchLoopSettings { MaxCandidates = 20, HallOfFameChanged = members => calls.Add(members.Select(m => m.Id).ToArray()) });
        var live = new List<long[]>();
        await Loop(live).RunAsync();
        Assert.True(live.Count > 1);

        var replayed = new List<long[]>();
        var outcome = await Loop(replayed).RunAsync();
        Assert.Equal(20, outcome.Replayed);
        Assert.Equal([store.ReadHallOfFame().ToArray()], replayed);
        Assert.Equal(live[^1], replayed[0]);
    }
}
