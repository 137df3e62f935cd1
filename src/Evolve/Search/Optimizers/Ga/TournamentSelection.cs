namespace Evolve.Search.Optimizers.Ga;

/// <summary>The fittest of <see cref="Size"/> members drawn uniformly with replacement; ties go to the earlier member.</summary>
internal sealed class TournamentSelection(int size = 2) : ISelection
{
    public int Size { get; } = size >= 1 ? size : throw new ArgumentOutOfRangeException(nameof(size), "a tournament needs at least one entrant");

    public int Select(IReadOnlyList<Individual> population, DrawStream draws)
    {
        var best = draws.Index(population.Count);
        for (var k = 1; k < Size; k++)
        {
            var other = draws.Index(population.Count);
            if (population[other].Fitness > population[best].Fitness
                || (population[other].Fitness == population[best].Fitness && other < best))
                best = other;
        }
        return best;
    }
}
