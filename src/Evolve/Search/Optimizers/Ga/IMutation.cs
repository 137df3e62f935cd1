using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// Perturbs a child in place. Each gene mutates with probability <c>1/n</c> unless the operator says otherwise;
/// a categorical gene mutates by resampling its choice, a real gene by a step scaled by the adaptive
/// <paramref name="strength"/> (1 = the operator's nominal step).
/// </summary>
internal interface IMutation
{
    void Mutate(double[] unit, GenomeSpace space, double strength, DrawStream draws);
}
