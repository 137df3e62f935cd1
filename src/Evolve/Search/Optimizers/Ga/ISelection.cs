namespace Evolve.Search.Optimizers.Ga;

/// <summary>Picks one parent (an index into the population) with the given draws.</summary>
internal interface ISelection
{
    int Select(IReadOnlyList<Individual> population, DrawStream draws);
}
