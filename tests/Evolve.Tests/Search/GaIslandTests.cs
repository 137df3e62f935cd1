using Evolve.Search.Optimizers.Ga;

namespace Evolve.Tests.Search;

public class GaIslandTests
{
    /// <summary>Two islands of two; children are copies of their first parent (no crossover, no mutation).</summary>
    private static GeneticAlgorithm TwoIslands(int migrationInterval) => new(TestFunctions.Box(2, 0, 1), 3, new GaSettings
    {
        PopulationSize = 4, InitialDesignSize = 4, Islands = 2, MigrationInterval = migrationInterval,
        CrossoverProbability = 0, Mutation = new GaussianMutation(geneProbability: 0),
    });

    [Fact]
    public void Candidate_i_joins_island_i_mod_2_and_its_child_copies_a_member_of_the_same_island()
    {
        var ga = TwoIslands(0);
        var design = Enumerable.Range(0, 4).Select(_ => ga.Ask()).ToArray();
        foreach (var (c, f) in design.Zip([-1.0, -5, -3, -2]))
            ga.Tell(c.Id, f);
        Assert.Equal([0, 1, 0, 1], ga.Population.Select(m => m.Island));
        var child0 = ga.Ask();
        var child1 = ga.Ask();
        Assert.True(child0.Genome.SequenceEqual(design[0].Genome) || child0.Genome.SequenceEqual(design[2].Genome));
        Assert.True(child1.Genome.SequenceEqual(design[1].Genome) || child1.Genome.SequenceEqual(design[3].Genome));
    }

    [Fact]
    public void Every_interval_each_islands_fittest_moves_a_copy_to_the_next_island_in_place_of_its_oldest_non_elite()
    {
        var ga = TwoIslands(6);
        foreach (var f in new[] { -1.0, -5, -3, -2, -4, -6 })
            ga.Tell(ga.Ask().Id, f);
        // Islands after the design: {0 (−1), 2 (−3)} and {1 (−5), 3 (−2)}. Child 4 (−4) replaces 2, the oldest besides
        // the elite 0; child 5 (−6) replaces 1. At the 6th tell 0 (the fittest of island 0) and 3 (of island 1) are
        // picked; 0's copy replaces 5 (island 1's only non-elite), 3's copy replaces 4.
        Assert.Equal([0L, 0, 3, 3], ga.Population.Select(m => m.Id));
        Assert.Equal([0, 1, 0, 1], ga.Population.Select(m => m.Island));
        Assert.Equal([1L, 6, 6, 4], ga.Population.Select(m => m.Born));
    }

    [Fact]
    public void Without_migration_islands_keep_their_own_members()
    {
        var ga = TwoIslands(0);
        foreach (var f in new[] { -1.0, -5, -3, -2, -4, -6 })
            ga.Tell(ga.Ask().Id, f);
        Assert.Equal([0L, 5, 4, 3], ga.Population.Select(m => m.Id));
    }

    [Theory]
    [InlineData(20, 3, 0)]
    [InlineData(20, 20, 0)]
    [InlineData(20, 2, -1)]
    public void A_population_islands_cannot_split_evenly_into_pairs_or_a_negative_interval_is_refused(int population, int islands, int interval)
    {
        var settings = new GaSettings { PopulationSize = population, Islands = islands, MigrationInterval = interval, Elites = 0 };
        Assert.Throws<ArgumentOutOfRangeException>(settings.Validate);
    }
}
