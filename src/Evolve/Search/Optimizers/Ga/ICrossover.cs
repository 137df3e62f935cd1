using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers.Ga;

/// <summary>Makes one child in the unit box from two parents. Categorical genes are always inherited whole.</summary>
internal interface ICrossover
{
    double[] Cross(double[] a, double[] b, GenomeSpace space, DrawStream draws);
}
