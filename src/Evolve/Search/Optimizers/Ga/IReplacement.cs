using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// Where a steady-state GA puts a told child once its population is full: the index of the member it replaces, or
/// -1 when the child is discarded. A pure function of the population and the child, so a resumed run inserts alike.
/// </summary>
internal interface IReplacement
{
    int Victim(IReadOnlyList<Individual> population, Individual child, GenomeSpace space, int elites);
}
