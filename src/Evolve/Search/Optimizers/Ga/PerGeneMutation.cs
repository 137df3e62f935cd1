using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// The loop every per-gene mutation shares: each gene mutates with probability <c>1/n</c> (or the given one); a
/// categorical gene is resampled, a real gene takes the operator's step.
/// </summary>
internal abstract class PerGeneMutation(double? geneProbability) : IMutation
{
    public void Mutate(double[] unit, GenomeSpace space, double strength, DrawStream draws)
    {
        var p = geneProbability ?? 1.0 / unit.Length;
        for (var i = 0; i < unit.Length; i++)
        {
            if (draws.Uniform() >= p)
                continue;
            unit[i] = space.Genes[i].IsCategorical ? draws.Uniform() : Step(unit[i], strength, draws);
        }
    }

    /// <summary>The mutated value of a real gene in unit coordinates, inside [0, 1].</summary>
    protected abstract double Step(double value, double strength, DrawStream draws);
}
