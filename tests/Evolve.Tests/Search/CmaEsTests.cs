using Evolve.Search.Genome;
using Evolve.Search.Optimizers;
using Evolve.Search.Optimizers.Cma;
using Evolve.Search.Optimizers.Ga;
using Xunit.Abstractions;

namespace Evolve.Tests.Search;

public class CmaEsTests(ITestOutputHelper output)
{
    [Fact]
    public void Default_parameters_match_the_strategy_pycma_announces_in_10_and_4_dimensions()
    {
        // pycma prints "(5_w,10)-aCMA-ES (mu_w=3.2,w_1=45%) in dimension 10" and "(4_w,8)-aCMA-ES (mu_w=2.6,w_1=52%)
        // in dimension 4" (docstrings of cma.fmin2 and CMAEvolutionStrategy); its positive weights are the tutorial's.
        var p10 = new CmaParameters(10, CmaParameters.DefaultLambda(10));
        Assert.Equal(10, p10.Lambda);
        Assert.Equal(5, p10.Mu);
        Assert.Equal(3.2, Math.Round(p10.MuEff, 1));
        Assert.Equal(45, (int)(100 * p10.Weights[0]));  // pycma prints int(100·w_1)
        var p4 = new CmaParameters(4, CmaParameters.DefaultLambda(4));
        Assert.Equal(8, p4.Lambda);
        Assert.Equal(2.6, Math.Round(p4.MuEff, 1));
        Assert.Equal(52, (int)(100 * p4.Weights[0]));
        // Hand computation from the tutorial's formulas for n = 10, μ_eff = 3.1672:
        Assert.Equal((p10.MuEff + 2) / (10 + p10.MuEff + 5), p10.Cs, 15);
        Assert.Equal(2 / (11.3 * 11.3 + p10.MuEff), p10.C1, 15);
        Assert.Equal(Math.Sqrt(10) * (1 - 1 / 40.0 + 1 / 2100.0), p10.ChiN, 15);
    }

    // Budgets: pycma's own doctests assert, in 10-D, Rosenbrock from x0 = 0.1, σ0 = 0.3 to f < 1e-12 in fewer than
    // 8000 evaluations (cma.fmin2 docstring) and the ellipsoid from x0 = 0.2, σ0 = 0.5 to f < 1e-9 in fewer than 9000
    // (CMAEvolutionStrategy docstring, with a lower bound at 0). Same starts here, in the box [-5, 5]^10. pycma has no
    // 10-D sphere figure; CMA-ES converges linearly on it at about 0.1·λ/n per generation, roughly 1500 evaluations
    // from f ≈ 10 to 1e-8, and we allow 2000.
    [Theory]
    [InlineData("sphere", 1.0, 0.5, 2000)]
    [InlineData("rosenbrock", 0.1, 0.3, 8000)]
    [InlineData("ellipsoid", 0.2, 0.5, 9000)]
    public void Solves_the_standard_functions_in_10_dimensions_within_pycmas_budgets(string name, double x0, double sigma0, int budget)
    {
        Func<double[], double> f = name switch
        {
            "sphere" => TestFunctions.Sphere,
            "rosenbrock" => TestFunctions.Rosenbrock,
            _ => TestFunctions.Ellipsoid,
        };
        foreach (var seed in new ulong[] { 1, 2, 3 })
        {
            var cma = new CmaEs(TestFunctions.Box(10), seed, new CmaSettings { Sigma0 = sigma0 / 10 }, Enumerable.Repeat(x0, 10).ToArray());
            var (evaluations, best) = TestFunctions.Minimize(cma, f, budget, 1e-8);
            Assert.True(best <= 1e-8, $"{name} seed {seed}: best {best:E3} after {evaluations} evaluations");
            Assert.True(evaluations < budget, $"{name} seed {seed}: {evaluations} evaluations");
            output.WriteLine($"{name} seed {seed}: f = {best:E2} after {evaluations} evaluations, {cma.Restarts} restarts");
        }
    }

    [Fact]
    public void Beats_the_ga_which_beats_random_search_on_the_same_budget()
    {
        const int budget = 1500;
        var start = Enumerable.Repeat(1.0, 10).ToArray();
        var cma = TestFunctions.Minimize(new CmaEs(TestFunctions.Box(10), 7, new CmaSettings { Sigma0 = 0.05 }, start), TestFunctions.Sphere, budget, 0).Best;
        var ga = TestFunctions.Minimize(new GeneticAlgorithm(TestFunctions.Box(10), 7), TestFunctions.Sphere, budget, 0).Best;
        var random = TestFunctions.Minimize(new RandomSearch(TestFunctions.Box(10), 7), TestFunctions.Sphere, budget, 0).Best;
        output.WriteLine($"sphere, {budget} evaluations: cma {cma:E2}, ga {ga:E2}, random {random:E2}");
        Assert.True(cma < 1e-6 && cma < ga / 1000, $"cma {cma:E3}, ga {ga:E3}");
        Assert.True(ga < random / 5, $"ga {ga:E3}, random {random:E3}");
    }

    [Fact]
    public void Restarts_with_a_doubled_population_after_sigma_collapses()
    {
        // A flat function gives stagnation at once; each restart doubles λ (IPOP).
        var cma = new CmaEs(TestFunctions.Box(4), 5, new CmaSettings { MaxRestarts = 2 });
        Assert.Equal(8, cma.Lambda);
        var (_, _) = TestFunctions.Minimize(cma, _ => 1.0, 2000, double.NegativeInfinity);
        Assert.Equal(2, cma.Restarts);
        Assert.Equal(32, cma.Lambda);
    }

    [Fact]
    public void Keeps_every_sample_inside_the_box_by_mirroring()
    {
        var space = TestFunctions.Box(3, 0, 1);
        var cma = new CmaEs(space, 9, new CmaSettings { Sigma0 = 2.0 });
        for (var k = 0; k < 200; k++)
        {
            var c = cma.Ask();
            Assert.All(c.Genome, v => Assert.InRange(v, 0.0, 1.0));
            cma.Tell(c.Id, -c.Genome.Sum());
        }
        Assert.Equal(1.0, Reflection.IntoUnit(1.0));
        Assert.Equal(0.75, Reflection.IntoUnit(1.25));
        Assert.Equal(0.25, Reflection.IntoUnit(-0.25));
        Assert.Equal(0.25, Reflection.IntoUnit(2.25));
        Assert.Equal(0.5, Reflection.IntoUnit(-3.5));
    }
}
