using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers.Ga;

/// <summary>Adds N(0, (strength·σ)²) in unit coordinates to each mutated real gene, mirrored back into the box.</summary>
internal sealed class GaussianMutation(double sigma = 0.1, double? geneProbability = null) : IMutation
{
    public double Sigma { get; } = sigma > 0 ? sigma : throw new ArgumentOutOfRangeException(nameof(sigma), "σ must be positive");

    public void Mutate(double[] unit, GenomeSpace space, double strength, DrawStream draws)
    {
        var p = geneProbability ?? 1.0 / unit.Length;
        for (var i = 0; i < unit.Length; i++)
        {
            if (draws.Uniform() >= p)
                continue;
            unit[i] = space.Genes[i].IsCategorical
                ? draws.Uniform()
                : Reflection.IntoUnit(unit[i] + strength * Sigma * draws.Gaussian());
        }
    }
}
