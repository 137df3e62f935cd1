using Evolve.Search.Genome;
using Evolve.Search.Optimizers;

namespace Evolve.Tests.Search;

public class SeededStartTests
{
    private static readonly GenomeSpace Space = new([GeneSpec.Categorical("method", 3), GeneSpec.Real("w", 0, 2), GeneSpec.Real("d", 0.1, 1)]);

    private static readonly double[][] Seeds = [[1, 0.5, 1.0], [0, 1.25, 0.3]];

    [Theory]
    [InlineData("ga")]
    [InlineData("cmaes")]
    [InlineData("random")]
    public void Every_optimizer_asks_the_seed_individuals_first_in_order(string name)
    {
        var optimizer = OptimizerFactory.Create(name, Space, 9, Seeds);
        for (var i = 0; i < Seeds.Length; i++)
        {
            var asked = optimizer.Ask();
            Assert.Equal(i, asked.Id);
            Assert.Equal(Seeds[i].Length, asked.Genome.Length);
            for (var g = 0; g < Seeds[i].Length; g++)
                Assert.Equal(Seeds[i][g], asked.Genome[g], 12);
        }
        Assert.Equal(Seeds.Length, optimizer.Ask().Id);
    }

    [Fact]
    public void Cma_es_behind_its_seeds_continues_identically_after_a_state_round_trip_and_never_hears_of_the_seeds()
    {
        IOptimizer Fresh() => OptimizerFactory.Create("cmaes", Space, 4, Seeds);
        var a = Fresh();
        var asked = Enumerable.Range(0, 6).Select(_ => a.Ask()).ToArray();
        foreach (var c in asked)
            a.Tell(c.Id, -c.Genome[1]);
        var b = Fresh();
        b.ImportState(a.ExportState());
        for (var i = 0; i < 5; i++)
        {
            var (x, y) = (a.Ask(), b.Ask());
            Assert.Equal(x.Id, y.Id);
            Assert.Equal(x.Genome, y.Genome);
        }
        // The inner CMA-ES numbers its own asks from 0: candidate 2 is its first sample, drawn around the first seed.
        var inner = new Evolve.Search.Optimizers.Cma.CmaEs(Space, 4, initialGenome: Seeds[0]);
        Assert.Equal(inner.Ask().Genome, asked[2].Genome);
        Assert.Throws<InvalidOperationException>(() => a.Tell(0, 1.0));
    }
}
