using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers.Ga;

/// <summary>Each gene from either parent with probability ½.</summary>
internal sealed class UniformCrossover : ICrossover
{
    public double[] Cross(double[] a, double[] b, GenomeSpace space, DrawStream draws)
    {
        var child = new double[a.Length];
        for (var i = 0; i < child.Length; i++)
            child[i] = draws.Uniform() < 0.5 ? a[i] : b[i];
        return child;
    }
}
