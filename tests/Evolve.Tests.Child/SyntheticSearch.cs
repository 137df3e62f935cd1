using Evolve.Search;
using Evolve.Search.Genome;
using Evolve.Search.Optimizers;
using Evolve.Search.Optimizers.Cma;
using Evolve.Search.Optimizers.Ga;
using Evolve.Search.Store;

namespace Evolve.Tests.Child;

/// <summary>One synthetic search, built identically in the child process and in the tests.</summary>
internal static class SyntheticSearch
{
    public static readonly GenomeSpace Space = new(Enumerable.Range(0, 5).Select(i => GeneSpec.Real($"w{i}", 0, 1)).ToArray());

    /// <summary>
    /// BLX with crossover always on between two distinct parents draws fresh values: no child repeats an earlier
    /// genome, so every candidate reaches the evaluator and its release rule (which counts candidates) holds.
    /// </summary>
    public static IOptimizer Optimizer(string name, ulong seed) => name switch
    {
        "ga" => new GeneticAlgorithm(Space, seed, new GaSettings { PopulationSize = 10, Crossover = new BlendCrossover(), CrossoverProbability = 1 }),
        "cmaes" => new CmaEs(Space, seed),
        _ => throw new ArgumentException("unknown optimizer " + name),
    };

    public static RunStore CreateStore(string path, string optimizer, ulong seed) =>
        RunStore.Create(path, new RunInfo("synthetic: noisy quadratic in 5 genes", seed, optimizer, "test", DateTimeOffset.UnixEpoch));

    public static SearchLoop Loop(RunStore store, string optimizer, ulong seed, long budget, int inFlight, int delayMs = 0,
        Action<CandidateRecord, Evolve.Search.Terminations.SearchProgress>? committed = null) =>
        new(Optimizer(optimizer, seed), new NoisyQuadratic(inFlight, budget, store.ReadCandidates().Count, delayMs), new GenomeListing(Space), store,
            new SearchLoopSettings { MaxCandidates = budget, InFlight = inFlight, MaxConsecutiveFailures = 5, Committed = committed });

    public static int Run(string path, string optimizer, ulong seed, long budget, int inFlight, int delayMs)
    {
        using var store = CreateStore(path, optimizer, seed);
        var outcome = Loop(store, optimizer, seed, budget, inFlight, delayMs, (record, _) =>
        {
            Console.Out.WriteLine($"told {record.Sequence}");
            Console.Out.Flush();
        }).RunAsync().GetAwaiter().GetResult();
        Console.Out.WriteLine(outcome.StopReason);
        return 0;
    }
}
