using Evolve.Search.Genome;
using Evolve.Search.Optimizers;
using Evolve.Search.Optimizers.Ga;

namespace Evolve.Tests.Search;

public class GaOperatorTests
{
    private static readonly GenomeSpace Unit3 = TestFunctions.Box(3, 0, 1);

    /// <summary>Sampling tolerance: each tolerance below is at least 3 standard errors of its estimate (the draws are fixed, so the outcome is too).</summary>
    private static void Near(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected} ± {tolerance}, got {actual}");

    private static Individual[] Population(params double[] fitness) =>
        fitness.Select((f, i) => new Individual(i, [0.5], f, i)).ToArray();

    private static double[] Frequencies(ISelection selection, Individual[] population, int draws = 90_000)
    {
        var counts = new double[population.Length];
        for (var k = 0; k < draws; k++)
            counts[selection.Select(population, new DrawStream(11, "test.selection", k))]++;
        return counts.Select(c => c / draws).ToArray();
    }

    [Fact]
    public void Tournament_of_two_picks_members_with_the_order_statistics_probabilities()
    {
        // With 3 members, the best wins unless both entrants are other members: 1 − (2/3)² = 5/9; the worst only when
        // drawn twice: 1/9; the middle the rest: 3/9.
        var f = Frequencies(new TournamentSelection(2), Population(0.0, 1.0, 3.0));
        Near(1 / 9.0, f[0], 0.01);
        Near(3 / 9.0, f[1], 0.01);
        Near(5 / 9.0, f[2], 0.01);
    }

    [Fact]
    public void Tournament_of_four_the_default_picks_the_worst_of_three_only_when_all_four_entrants_are_it()
    {
        // P(worst) = (1/3)⁴ = 1/81; P(best) = 1 − (2/3)⁴ = 65/81; the middle the rest, 15/81.
        Assert.Equal(4, Assert.IsType<TournamentSelection>(new GaSettings().Selection).Size);
        var f = Frequencies(new TournamentSelection(4), Population(0.0, 1.0, 3.0));
        Near(1 / 81.0, f[0], 0.003);
        Near(15 / 81.0, f[1], 0.01);
        Near(65 / 81.0, f[2], 0.01);
    }

    [Fact]
    public void Roulette_shares_are_fitness_above_the_worst_plus_a_floor_of_the_spread_over_n()
    {
        // Fitness −2, −1, 1: spread 3, floor 1, shares 1, 2, 4 out of 7.
        var f = Frequencies(new RouletteSelection(), Population(-2.0, -1.0, 1.0));
        Near(1 / 7.0, f[0], 0.01);
        Near(2 / 7.0, f[1], 0.01);
        Near(4 / 7.0, f[2], 0.01);
    }

    [Fact]
    public void Linear_ranking_with_pressure_one_and_a_half_gives_one_sixth_one_third_one_half()
    {
        // Baker: ((2 − s) + 2r(s − 1)/(N − 1))/N for r = 0, 1, 2 and s = 1.5 → 1/6, 1/3, 1/2 (independent of fitness values).
        var f = Frequencies(new RankSelection(1.5), Population(10.0, -5.0, 100.0));
        Near(1 / 3.0, f[0], 0.01);
        Near(1 / 6.0, f[1], 0.01);
        Near(1 / 2.0, f[2], 0.01);
    }

    [Fact]
    public void One_point_crossover_takes_a_prefix_of_the_first_parent_and_the_suffix_of_the_second()
    {
        double[] a = [0.1, 0.2, 0.3, 0.4, 0.5], b = [0.9, 0.8, 0.7, 0.6, 0.55];
        var space = TestFunctions.Box(5, 0, 1);
        var cuts = new HashSet<int>();
        for (var k = 0; k < 200; k++)
        {
            var child = new OnePointCrossover().Cross(a, b, space, new DrawStream(3, "test.onepoint", k));
            var cut = Enumerable.Range(0, 5).First(i => child[i] != a[i]);
            cuts.Add(cut);
            Assert.Equal(a[..cut], child[..cut]);
            Assert.Equal(b[cut..4], child[cut..4]);
        }
        Assert.Equal(new HashSet<int> { 1, 2, 3, 4 }, cuts);
    }

    [Fact]
    public void Uniform_crossover_takes_each_gene_from_either_parent_about_half_the_time()
    {
        double[] a = [0, 0, 0], b = [1, 1, 1];
        var fromB = 0.0;
        for (var k = 0; k < 10_000; k++)
            fromB += new UniformCrossover().Cross(a, b, Unit3, new DrawStream(3, "test.uniform", k)).Sum();
        Near(0.5, fromB / 30_000, 0.01);
    }

    [Fact]
    public void Blend_crossover_is_uniform_on_the_parents_interval_widened_by_alpha()
    {
        // Parents 0.4 and 0.6, α = 0.5: uniform on [0.3, 0.7], mean 0.5, variance 0.4²/12.
        double[] a = [0.4, 0.4, 0.4], b = [0.6, 0.6, 0.6];
        var values = new List<double>();
        for (var k = 0; k < 10_000; k++)
            values.AddRange(new BlendCrossover(0.5).Cross(a, b, Unit3, new DrawStream(3, "test.blx", k)));
        Assert.All(values, v => Assert.InRange(v, 0.3, 0.7));
        Near(0.5, values.Average(), 0.01);
        Near(0.16 / 12, values.Average(v => (v - 0.5) * (v - 0.5)), 0.001);
    }

    [Fact]
    public void Sbx_children_are_symmetric_around_the_parents_mean_and_tighter_for_larger_eta()
    {
        // Deb & Agrawal: β has density 0.5(η+1)β^η on [0,1] and 0.5(η+1)/β^(η+2) above, so P(β ≤ 1) = 1/2: half the
        // crossed genes fall between the parents.
        double[] a = [0.4, 0.4, 0.4], b = [0.6, 0.6, 0.6];
        double inside = 0, crossed = 0, sum = 0;
        for (var k = 0; k < 20_000; k++)
            foreach (var v in new SbxCrossover(15).Cross(a, b, Unit3, new DrawStream(3, "test.sbx", k)))
            {
                if (v is 0.4 or 0.6)
                    continue;
                crossed++;
                sum += v;
                if (v is > 0.4 and < 0.6)
                    inside++;
            }
        Near(0.5, crossed / 60_000, 0.01);
        Near(0.5, inside / crossed, 0.01);
        Near(0.5, sum / crossed, 0.001);
    }

    [Fact]
    public void Polynomial_mutation_steps_have_mean_size_one_over_eta_plus_two()
    {
        // E|δ| = ∫ |δ| (η+1)/2 (1−|δ|)^η dδ over (−1,1) = 1/(η+2).
        var space = TestFunctions.Box(1, 0, 1);
        var total = 0.0;
        const int n = 40_000;
        for (var k = 0; k < n; k++)
        {
            double[] x = [0.5];
            new PolynomialMutation(20, geneProbability: 1).Mutate(x, space, 1.0, new DrawStream(5, "test.poly", k));
            total += Math.Abs(x[0] - 0.5);
        }
        Near(1 / 22.0, total / n, 0.001);
    }

    [Fact]
    public void Gaussian_mutation_step_has_standard_deviation_strength_times_sigma()
    {
        var space = TestFunctions.Box(1, 0, 1);
        var squares = 0.0;
        const int n = 40_000;
        for (var k = 0; k < n; k++)
        {
            double[] x = [0.5];
            new GaussianMutation(0.02, geneProbability: 1).Mutate(x, space, 2.0, new DrawStream(5, "test.gauss", k));
            squares += (x[0] - 0.5) * (x[0] - 0.5);
        }
        Near(0.04, Math.Sqrt(squares / n), 0.001);
    }

    [Fact]
    public void Categorical_genes_are_resampled_by_mutation_and_inherited_whole_by_crossover()
    {
        var space = new GenomeSpace([GeneSpec.Categorical("method", 4), GeneSpec.Real("t", 0, 1)]);
        var seen = new HashSet<double>();
        for (var k = 0; k < 400; k++)
        {
            var unit = space.Encode([1.0, 0.5]);
            new GaussianMutation(0.01, geneProbability: 1).Mutate(unit, space, 1.0, new DrawStream(2, "test.cat", k));
            seen.Add(space.Decode(unit)[0]);
            var child = new SbxCrossover().Cross(space.Encode([0.0, 0.2]), space.Encode([3.0, 0.8]), space, new DrawStream(2, "test.catx", k));
            Assert.Contains(space.Decode(child)[0], new[] { 0.0, 3.0 });
        }
        Assert.Equal(new HashSet<double> { 0, 1, 2, 3 }, seen);
    }

    [Fact]
    public void One_fifth_rule_grows_the_step_above_a_fifth_of_successes_and_shrinks_it_below()
    {
        var rule = new OneFifthSuccessRule();
        Assert.Equal(1 / 0.817, rule.Adjust(1.0, 3, 10), 12);
        Assert.Equal(0.817, rule.Adjust(1.0, 1, 10), 12);
        Assert.Equal(1.0, rule.Adjust(1.0, 2, 10));
        Assert.Equal(0.01, rule.Adjust(0.011, 0, 10));
    }
}
