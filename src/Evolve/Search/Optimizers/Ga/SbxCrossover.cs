using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// Simulated binary crossover (Deb &amp; Agrawal 1995): each real gene, with probability ½, gets one of the two
/// children whose spread around the parents' mean is β·|a − b|, β drawn with distribution index η (larger η: children
/// closer to the parents). Results are clamped to the box.
/// </summary>
internal sealed class SbxCrossover(double eta = 15) : ICrossover
{
    public double Eta { get; } = eta > 0 ? eta : throw new ArgumentOutOfRangeException(nameof(eta), "SBX needs η > 0");

    public double[] Cross(double[] a, double[] b, GenomeSpace space, DrawStream draws)
    {
        var child = new double[a.Length];
        for (var i = 0; i < child.Length; i++)
        {
            var pickFirst = draws.Uniform() < 0.5;
            if (space.Genes[i].IsCategorical || draws.Uniform() >= 0.5 || Math.Abs(a[i] - b[i]) < 1e-14)
            {
                child[i] = pickFirst ? a[i] : b[i];
                continue;
            }
            var u = draws.Uniform();
            var beta = u <= 0.5
                ? Math.Pow(2 * u, 1 / (Eta + 1))
                : Math.Pow(1 / (2 * (1 - u)), 1 / (Eta + 1));
            var mean = 0.5 * (a[i] + b[i]);
            var half = 0.5 * beta * Math.Abs(b[i] - a[i]);
            child[i] = Math.Clamp(pickFirst ? mean - half : mean + half, 0.0, 1.0);
        }
        return child;
    }
}
