using Evolve.Search.Genome;
using Evolve.Search.Optimizers.Ga;

namespace Evolve.Tests.Search;

public class GaReplacementTests
{
    /// <summary>A method choice out of 3 (bins [0, 1/3), [1/3, 2/3), [2/3, 1]) and two real genes.</summary>
    private static readonly GenomeSpace Space = new([GeneSpec.Categorical("method", 3), GeneSpec.Real("a", 0, 2), GeneSpec.Real("b", 0, 1)]);

    private static Individual Member(long id, double fitness, long born, params double[] unit) => new(id, unit, fitness, born);

    /// <summary>Fitness −1, −3, −2, −3 (members 1 and 3 equally worst, member 1 born earlier), all with method 0.</summary>
    private static readonly Individual[] Population =
    [
        Member(0, -1, 1, 0.1, 0.1, 0.1),
        Member(1, -3, 2, 0.1, 0.4, 0.4),
        Member(2, -2, 3, 0.1, 0.7, 0.7),
        Member(3, -3, 4, 0.1, 0.1, 0.9),
    ];

    private static int Victim(double radius, double fitness, params double[] unit) =>
        new CrowdingReplacement(radius).Victim(Population, Member(9, fitness, 5, unit), Space, elites: 1);

    [Fact]
    public void Radius_zero_replaces_the_worst_when_fitter_and_of_two_equally_worst_the_older()
    {
        Assert.Equal(1, Victim(0, -2.5, 0.1, 0.7, 0.72));
        Assert.Equal(-1, Victim(0, -3, 0.1, 0.7, 0.72));
        Assert.Equal(-1, Victim(0, -7, 0.1, 0.7, 0.72));
    }

    [Fact]
    public void An_infinite_radius_makes_the_child_compete_with_its_nearest_member_only()
    {
        // Child (0.65, 0.75): to member 2 (0.7, 0.7) RMS √((0.0025 + 0.0025)/2) = 0.05, to member 1 (0.4, 0.4)
        // √((0.0625 + 0.1225)/2) ≈ 0.30, to member 3 (0.1, 0.9) ≈ 0.40, to member 0 farther still.
        Assert.Equal(2, Victim(double.PositiveInfinity, -1.5, 0.1, 0.65, 0.75));
        // Fitter than the worst but not than its neighbour (−2): discarded, the worst stays.
        Assert.Equal(-1, Victim(double.PositiveInfinity, -2.5, 0.1, 0.65, 0.75));
        // Child (0.2, 0.85) is nearest to member 3 (0.1, 0.9): RMS √((0.01 + 0.0025)/2) ≈ 0.079.
        Assert.Equal(3, Victim(double.PositiveInfinity, -2.5, 0.1, 0.2, 0.85));
    }

    [Fact]
    public void A_finite_radius_sends_only_children_inside_it_to_their_neighbour_the_others_to_the_worst()
    {
        // 0.05 from member 2: inside 0.06, so member 2 is the rival; inside 0.04 it is not, and the worst (member 1) is.
        Assert.Equal(-1, Victim(0.06, -2.5, 0.1, 0.65, 0.75));
        Assert.Equal(1, Victim(0.04, -2.5, 0.1, 0.65, 0.75));
    }

    [Fact]
    public void A_member_with_another_categorical_choice_is_never_near()
    {
        // Member 2's real genes with method bin 1 (unit 0.5): no member shares the method, so the worst is the rival.
        Assert.Equal(1, Victim(double.PositiveInfinity, -2.5, 0.5, 0.7, 0.7));
        // Unit 0.3 lies in bin 0 like the members' 0.1: the same child is then a copy of member 2 and loses to it.
        Assert.Equal(-1, Victim(double.PositiveInfinity, -2.5, 0.3, 0.7, 0.7));
    }

    [Fact]
    public void Distance_is_the_root_mean_square_real_gene_difference_in_unit_coordinates()
    {
        // Real differences 0.3 and 0.4: √((0.09 + 0.16)/2) = √0.125.
        Assert.Equal(Math.Sqrt(0.125), CrowdingReplacement.Distance([0.1, 0.2, 0.9], [0.2, 0.5, 0.5], Space), 12);
        Assert.Equal(double.PositiveInfinity, CrowdingReplacement.Distance([0.9, 0.2, 0.9], [0.2, 0.2, 0.9], Space));
    }

    [Fact]
    public void Oldest_replacement_takes_the_oldest_member_outside_the_elite_whatever_the_child()
    {
        var child = Member(9, -100, 5, 0.1, 0.5, 0.5);
        // Member 0 (born first) is the fittest, so with one elite the oldest other member, 1, goes.
        Assert.Equal(1, new OldestReplacement().Victim(Population, child, Space, elites: 1));
        // Without elites member 0 goes; with three (members 0, 2 and then 1, the earlier id of the two at −3) member 3.
        Assert.Equal(0, new OldestReplacement().Victim(Population, child, Space, elites: 0));
        Assert.Equal(3, new OldestReplacement().Victim(Population, child, Space, elites: 3));
    }

    [Fact]
    public void A_ga_replacing_the_worst_keeps_its_population_against_a_worse_child_and_admits_a_fitter_one()
    {
        var ga = new GeneticAlgorithm(Space, 7, new GaSettings { PopulationSize = 3, InitialDesignSize = 3, Replacement = new CrowdingReplacement(0) });
        foreach (var f in new[] { -1.0, -3.0, -2.0 })
            ga.Tell(ga.Ask().Id, f);
        Assert.Equal([0L, 1, 2], ga.Population.Select(m => m.Id));
        ga.Tell(ga.Ask().Id, -5);
        Assert.Equal([0L, 1, 2], ga.Population.Select(m => m.Id));
        var fitter = ga.Ask();
        ga.Tell(fitter.Id, -1.5);
        Assert.Equal([0L, fitter.Id, 2], ga.Population.Select(m => m.Id));
    }

    [Fact]
    public void The_default_ga_replaces_its_oldest_non_elite_member_whatever_the_child()
    {
        var ga = new GeneticAlgorithm(Space, 7, new GaSettings { PopulationSize = 3, InitialDesignSize = 3 });
        foreach (var f in new[] { -1.0, -3.0, -2.0 })
            ga.Tell(ga.Ask().Id, f);
        var child = ga.Ask();
        ga.Tell(child.Id, -5);
        // Member 0 is the elite; member 1 is the oldest of the others.
        Assert.Equal([0L, child.Id, 2], ga.Population.Select(m => m.Id));
    }
}
