using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers.Ga;

/// <summary>Genes before a cut point (1 … n−1) from the first parent, the rest from the second.</summary>
internal sealed class OnePointCrossover : ICrossover
{
    public double[] Cross(double[] a, double[] b, GenomeSpace space, DrawStream draws)
    {
        var child = (double[])a.Clone();
        if (a.Length < 2)
            return child;
        var cut = 1 + draws.Index(a.Length - 1);
        Array.Copy(b, cut, child, cut, a.Length - cut);
        return child;
    }
}
