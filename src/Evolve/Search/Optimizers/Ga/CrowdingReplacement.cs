using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// Elitist insertion with niches: a child competes with its nearest member when that member lies within
/// <see cref="NicheRadius"/> (root-mean-square distance over real genes in unit coordinates; a member with another
/// choice of some categorical gene is never near), else with the least fit member (fitness ties: the oldest, then the
/// earlier id), and replaces its rival only when fitter. No member is ever lost to a worse child. Radius 0 is the
/// (μ+1) scheme that keeps the best μ found (and lets near-copies crowd the population); an infinite radius is
/// restricted tournament replacement over the whole population (Harik 1995), which keeps separate basins alive
/// because a child can only displace its own neighbour.
/// </summary>
internal sealed class CrowdingReplacement(double nicheRadius = double.PositiveInfinity) : IReplacement
{
    public double NicheRadius { get; } = nicheRadius >= 0
        ? nicheRadius
        : throw new ArgumentOutOfRangeException(nameof(nicheRadius), "a radius is not negative");

    public int Victim(IReadOnlyList<Individual> population, Individual child, GenomeSpace space, int elites)
    {
        var nearest = -1;
        var nearestDistance = double.PositiveInfinity;
        for (var i = 0; i < population.Count; i++)
        {
            var d = Distance(population[i].Unit, child.Unit, space);
            if (d < nearestDistance)
            {
                nearest = i;
                nearestDistance = d;
            }
        }
        var rival = nearest >= 0 && nearestDistance <= NicheRadius ? nearest : Worst(population);
        return child.Fitness > population[rival].Fitness ? rival : -1;
    }

    private static int Worst(IReadOnlyList<Individual> population)
    {
        var worst = 0;
        for (var i = 1; i < population.Count; i++)
        {
            var (m, w) = (population[i], population[worst]);
            if (m.Fitness < w.Fitness || (m.Fitness == w.Fitness && (m.Born < w.Born || (m.Born == w.Born && m.Id < w.Id))))
                worst = i;
        }
        return worst;
    }

    /// <summary>Root-mean-square difference over real genes (0 when there are none); infinite when a categorical choice differs.</summary>
    internal static double Distance(double[] a, double[] b, GenomeSpace space)
    {
        var sum = 0.0;
        var reals = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var gene = space.Genes[i];
            if (gene.IsCategorical)
            {
                if (gene.ChoiceAt(a[i]) != gene.ChoiceAt(b[i]))
                    return double.PositiveInfinity;
                continue;
            }
            sum += (a[i] - b[i]) * (a[i] - b[i]);
            reals++;
        }
        return reals == 0 ? 0 : Math.Sqrt(sum / reals);
    }
}
