using Evolve.Search.Genome;
using Evolve.Search.Optimizers.Ga;

namespace Evolve.Tests.Search;

public class GaInitialDesignTests
{
    [Fact]
    public void A_latin_hypercube_puts_exactly_one_point_in_each_of_a_genes_strata()
    {
        // 5 rows: strata [0, 0.2), [0.2, 0.4), …, [0.8, 1); every gene's 5 values fall one in each.
        var design = new LatinHypercubeDesign();
        var points = Enumerable.Range(0, 5).Select(r => design.Point(7, 100 + r, r, 5, 4)).ToArray();
        for (var gene = 0; gene < 4; gene++)
        {
            var strata = points.Select(p => (int)Math.Floor(p[gene] * 5)).Order();
            Assert.Equal([0, 1, 2, 3, 4], strata);
            for (var r = 0; r < 5; r++)
                Assert.Equal(LatinHypercubeDesign.Stratum(7, 5, gene, r), (int)Math.Floor(points[r][gene] * 5));
        }
        // The genes' permutations are drawn independently: not all four the same order.
        Assert.Contains(Enumerable.Range(1, 3), g => Enumerable.Range(0, 5).Any(r => LatinHypercubeDesign.Stratum(7, 5, g, r) != LatinHypercubeDesign.Stratum(7, 5, 0, r)));
    }

    [Fact]
    public void A_categorical_gene_with_three_choices_gets_each_choice_twice_in_six_rows()
    {
        // Strata of 1/6: strata 0-1 lie in bin [0, 1/3), 2-3 in [1/3, 2/3), 4-5 in [2/3, 1].
        var gene = GeneSpec.Categorical("method", 3);
        var design = new LatinHypercubeDesign();
        var choices = Enumerable.Range(0, 6).Select(r => gene.ChoiceAt(design.Point(3, r, r, 6, 1)[0])).Order();
        Assert.Equal([0, 0, 1, 1, 2, 2], choices);
    }

    [Fact]
    public void A_design_point_depends_on_seed_rows_and_row_only()
    {
        var design = new LatinHypercubeDesign();
        Assert.Equal(design.Point(7, 3, 2, 10, 3), design.Point(7, 99, 2, 10, 3));
        Assert.NotEqual(design.Point(7, 3, 2, 10, 3), design.Point(8, 3, 2, 10, 3));
        Assert.NotEqual(design.Point(7, 3, 2, 10, 3), design.Point(7, 3, 2, 11, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => design.Point(7, 3, 10, 10, 3));
    }

    [Fact]
    public void The_ga_asks_the_seeds_then_the_design_rows_and_keeps_the_fittest_of_the_design_as_its_first_population()
    {
        var space = TestFunctions.Box(2, 0, 1);
        var settings = new GaSettings { PopulationSize = 3, InitialDesign = new LatinHypercubeDesign(), InitialDesignSize = 6 };
        var ga = new GeneticAlgorithm(space, 5, settings, [[0.5, 0.5]]);
        // Fitness by candidate: the seed −4, then the design rows −6, −1, −5, −2, −3 (−1 and −2 the two fittest).
        double[] fitness = [-4, -6, -1, -5, -2, -3];
        for (var id = 0; id < 6; id++)
        {
            var c = ga.Ask();
            Assert.Equal(id, c.Id);
            var expected = id == 0 ? [0.5, 0.5] : new LatinHypercubeDesign().Point(5, id, id - 1, 5, 2);
            Assert.Equal(expected, c.Genome);
            ga.Tell(c.Id, fitness[id]);
        }
        // The first three fill the population (−4, −6, −1); −5 displaces −6; −2 displaces −5; −3 displaces −4.
        Assert.Equal([5L, 4, 2], ga.Population.Select(m => m.Id));
        Assert.Equal(2, ga.Generation);
    }

    [Fact]
    public void By_default_the_design_is_a_latin_hypercube_of_two_populations()
    {
        Assert.Equal(40, new GaSettings().DesignSize);
        var ga = new GeneticAlgorithm(TestFunctions.Box(3, 0, 1), 9, new GaSettings { PopulationSize = 3 });
        for (var id = 0; id < 6; id++)
        {
            var c = ga.Ask();
            Assert.Equal(new LatinHypercubeDesign().Point(9, id, id, 6, 3), c.Genome);
            ga.Tell(c.Id, -id);
        }
        Assert.Equal([0L, 1, 2], ga.Population.Select(m => m.Id).Order());
    }

    [Fact]
    public void A_design_point_no_fitter_than_the_worst_member_is_left_out()
    {
        var ga = new GeneticAlgorithm(TestFunctions.Box(2, 0, 1), 5, new GaSettings { PopulationSize = 2, InitialDesignSize = 4 });
        foreach (var f in new[] { -1.0, -2.0, -2.0, double.NaN })
            ga.Tell(ga.Ask().Id, f);
        Assert.Equal([0L, 1], ga.Population.Select(m => m.Id));
    }

    [Fact]
    public void An_initial_design_smaller_than_the_population_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeneticAlgorithm(TestFunctions.Box(2, 0, 1), 5, new GaSettings { PopulationSize = 8, InitialDesignSize = 7 }));
    }
}
