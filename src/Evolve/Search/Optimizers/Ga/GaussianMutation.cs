namespace Evolve.Search.Optimizers.Ga;

/// <summary>Adds N(0, (strength·σ)²) in unit coordinates to each mutated real gene, mirrored back into the box.</summary>
internal sealed class GaussianMutation(double sigma = 0.1, double? geneProbability = null) : PerGeneMutation(geneProbability)
{
    public double Sigma { get; } = sigma > 0 ? sigma : throw new ArgumentOutOfRangeException(nameof(sigma), "σ must be positive");

    protected override double Step(double value, double strength, DrawStream draws) =>
        Reflection.IntoUnit(value + strength * Sigma * draws.Gaussian());
}
