using Evolve.Search.Genome;
using Evolve.Search.Optimizers;
using Evolve.Search.Optimizers.Cma;
using Evolve.Search.Optimizers.Ga;

namespace Evolve.Tests.Search;

public class OptimizerDeterminismTests
{
    private static readonly GenomeSpace Space = new(
    [
        GeneSpec.Categorical("method", 3), GeneSpec.Real("w0", 0, 2), GeneSpec.Real("w1", 0, 2), GeneSpec.Real("density", 0, 1),
    ]);

    public static TheoryData<string> Optimizers => new() { "ga", "cmaes", "random", "ga-roulette-blx-poly", "ga-rank-onepoint", "ga-uniform", "ga-crowding", "ga-lhs-islands" };

    private static IOptimizer Make(string name, ulong seed) => name switch
    {
        "ga" => new GeneticAlgorithm(Space, seed, new GaSettings { PopulationSize = 8 }, [[0, 1, 1, 1]]),
        "ga-roulette-blx-poly" => new GeneticAlgorithm(Space, seed, new GaSettings
        {
            PopulationSize = 8, Selection = new RouletteSelection(), Crossover = new BlendCrossover(), Mutation = new PolynomialMutation(),
        }),
        "ga-rank-onepoint" => new GeneticAlgorithm(Space, seed, new GaSettings
        {
            PopulationSize = 8, Selection = new RankSelection(), Crossover = new OnePointCrossover(), Elites = 3,
        }),
        "ga-uniform" => new GeneticAlgorithm(Space, seed, new GaSettings { PopulationSize = 8, Crossover = new UniformCrossover() }),
        "ga-crowding" => new GeneticAlgorithm(Space, seed, new GaSettings { PopulationSize = 8, Replacement = new CrowdingReplacement(0.05) }, [[0, 1, 1, 1]]),
        "ga-lhs-islands" => new GeneticAlgorithm(Space, seed, new GaSettings
        {
            PopulationSize = 8, InitialDesign = new LatinHypercubeDesign(), InitialDesignSize = 14, Islands = 2, MigrationInterval = 9,
        }, [[0, 1, 1, 1]]),
        "cmaes" => new CmaEs(Space, seed, new CmaSettings { PopulationSize = 6 }),
        _ => new RandomSearch(Space, seed, [[0, 1, 1, 1]]),
    };

    /// <summary>Method 2 is best; the optimum within it is w0 = 1.2, w1 = 0.7, density 0.4.</summary>
    private static double Fitness(double[] g) =>
        -(g[0] == 2 ? 0 : 1) - Math.Pow(g[1] - 1.2, 2) - Math.Pow(g[2] - 0.7, 2) - Math.Pow(g[3] - 0.4, 2);

    /// <summary>
    /// Asynchronous schedule: keeps <paramref name="inFlight"/> candidates asked, and tells the one whose hash of
    /// the id is smallest (a stand-in for unequal evaluation times). Optionally swaps the optimizer for a fresh one
    /// restored from the exported state after <paramref name="restoreAfter"/> tells.
    /// </summary>
    private static List<(long Id, double[] Genome)> Run(string name, ulong seed, int inFlight, int tells, int restoreAfter = -1)
    {
        var optimizer = Make(name, seed);
        var history = new List<(long, double[])>();
        var pending = new List<Candidate>();
        for (var told = 0; told < tells; told++)
        {
            while (pending.Count < inFlight)
            {
                var c = optimizer.Ask();
                history.Add((c.Id, c.Genome));
                pending.Add(c);
            }
            var next = pending.MinBy(c => Evolve.Randomness.CounterRandom.Hash(99, (ulong)c.Id))!;
            pending.Remove(next);
            optimizer.Tell(next.Id, next.Id % 7 == 3 ? double.NaN : Fitness(next.Genome));
            if (told == restoreAfter)
            {
                var restored = Make(name, seed);
                restored.ImportState(optimizer.ExportState());
                optimizer = restored;
            }
        }
        return history;
    }

    private static void AssertSameBits(List<(long Id, double[] Genome)> expected, List<(long Id, double[] Genome)> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Id, actual[i].Id);
            Assert.Equal(
                expected[i].Genome.Select(BitConverter.DoubleToInt64Bits),
                actual[i].Genome.Select(BitConverter.DoubleToInt64Bits));
        }
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Same_seed_and_tells_give_bit_identical_asks_and_another_seed_does_not(string name)
    {
        var a = Run(name, 42, 3, 120);
        AssertSameBits(a, Run(name, 42, 3, 120));
        var other = Run(name, 43, 3, 120);
        Assert.NotEqual(a[^1].Genome, other[^1].Genome);
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_state_exported_with_candidates_in_flight_continues_bit_identically(string name)
    {
        AssertSameBits(Run(name, 42, 4, 120), Run(name, 42, 4, 120, restoreAfter: 57));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(13)]
    [InlineData(17)]
    public void A_ga_restored_inside_its_initial_design_or_on_a_migration_continues_bit_identically(int restoreAfter)
    {
        // Candidates 0-13 are the design (4 in flight, so its tells spread past the 14th); the 18th tell (index 17) is a migration, 18 = 2 × 9.
        AssertSameBits(Run("ga-lhs-islands", 42, 4, 120), Run("ga-lhs-islands", 42, 4, 120, restoreAfter));
    }

    [Theory]
    [InlineData("ga")]
    [InlineData("ga-crowding")]
    [InlineData("ga-lhs-islands")]
    [InlineData("cmaes")]
    public void Finds_the_right_categorical_choice_and_the_real_optimum(string name)
    {
        var optimizer = Make(name, 5);
        var best = (Fitness: double.NegativeInfinity, Genome: Array.Empty<double>());
        for (var k = 0; k < 600; k++)
        {
            var c = optimizer.Ask();
            var f = Fitness(c.Genome);
            optimizer.Tell(c.Id, f);
            if (f > best.Fitness)
                best = (f, c.Genome);
        }
        Assert.Equal(2.0, best.Genome[0]);
        Assert.True(best.Fitness > -1e-3, $"{name}: best fitness {best.Fitness}");
    }

    [Fact]
    public void Telling_an_unknown_or_already_told_candidate_is_refused()
    {
        foreach (var name in new[] { "ga", "cmaes", "random" })
        {
            var optimizer = Make(name, 1);
            var c = optimizer.Ask();
            optimizer.Tell(c.Id, 0);
            Assert.Throws<InvalidOperationException>(() => optimizer.Tell(c.Id, 0));
            Assert.Throws<InvalidOperationException>(() => optimizer.Tell(17, 0));
        }
    }

    [Fact]
    public void The_ga_adapts_its_mutation_strength_and_counts_generations_per_population_of_tells()
    {
        var ga = new GeneticAlgorithm(TestFunctions.Box(5), 3, new GaSettings { PopulationSize = 10 });
        TestFunctions.Minimize(ga, TestFunctions.Sphere, 205, 0);
        Assert.Equal(20, ga.Generation);
        Assert.NotEqual(1.0, ga.MutationStrength);
        Assert.Equal(10, ga.Population.Count);
    }
}
