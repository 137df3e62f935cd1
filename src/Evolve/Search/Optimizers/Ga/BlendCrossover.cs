using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers.Ga;

/// <summary>BLX-α (Eshelman &amp; Schaffer 1993): a real gene uniform in the parents' interval widened by α of its length on each side.</summary>
internal sealed class BlendCrossover(double alpha = 0.5) : ICrossover
{
    public double Alpha { get; } = alpha >= 0 ? alpha : throw new ArgumentOutOfRangeException(nameof(alpha), "BLX needs α ≥ 0");

    public double[] Cross(double[] a, double[] b, GenomeSpace space, DrawStream draws)
    {
        var child = new double[a.Length];
        for (var i = 0; i < child.Length; i++)
        {
            var u = draws.Uniform();
            if (space.Genes[i].IsCategorical)
            {
                child[i] = u < 0.5 ? a[i] : b[i];
                continue;
            }
            var lo = Math.Min(a[i], b[i]);
            var hi = Math.Max(a[i], b[i]);
            var d = hi - lo;
            child[i] = Reflection.IntoUnit(lo - Alpha * d + u * (1 + 2 * Alpha) * d);
        }
        return child;
    }
}
