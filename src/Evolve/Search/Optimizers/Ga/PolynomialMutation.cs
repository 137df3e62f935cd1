namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// Deb's polynomial mutation: a step δ in (−1, 1) with density ∝ (1 − |δ|)^η (larger η: smaller steps), scaled by
/// the adaptive strength and clamped to the box.
/// </summary>
internal sealed class PolynomialMutation(double eta = 20, double? geneProbability = null) : PerGeneMutation(geneProbability)
{
    public double Eta { get; } = eta > 0 ? eta : throw new ArgumentOutOfRangeException(nameof(eta), "η must be positive");

    protected override double Step(double value, double strength, DrawStream draws)
    {
        var u = draws.Uniform();
        var delta = u < 0.5
            ? Math.Pow(2 * u, 1 / (Eta + 1)) - 1
            : 1 - Math.Pow(2 * (1 - u), 1 / (Eta + 1));
        return Math.Clamp(value + strength * delta, 0.0, 1.0);
    }
}
