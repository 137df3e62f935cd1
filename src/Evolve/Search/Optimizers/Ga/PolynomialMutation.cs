using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// Deb's polynomial mutation: a step δ in (−1, 1) with density ∝ (1 − |δ|)^η (larger η: smaller steps), scaled by
/// the adaptive strength and clamped to the box.
/// </summary>
internal sealed class PolynomialMutation(double eta = 20, double? geneProbability = null) : IMutation
{
    public double Eta { get; } = eta > 0 ? eta : throw new ArgumentOutOfRangeException(nameof(eta), "η must be positive");

    public void Mutate(double[] unit, GenomeSpace space, double strength, DrawStream draws)
    {
        var p = geneProbability ?? 1.0 / unit.Length;
        for (var i = 0; i < unit.Length; i++)
        {
            if (draws.Uniform() >= p)
                continue;
            var u = draws.Uniform();
            if (space.Genes[i].IsCategorical)
            {
                unit[i] = u;
                continue;
            }
            var delta = u < 0.5
                ? Math.Pow(2 * u, 1 / (Eta + 1)) - 1
                : 1 - Math.Pow(2 * (1 - u), 1 / (Eta + 1));
            unit[i] = Math.Clamp(unit[i] + strength * delta, 0.0, 1.0);
        }
    }
}
