namespace Evolve.Search.Optimizers.Ga;

/// <summary>The operators and rates of a <see cref="GeneticAlgorithm"/>; the defaults suit a budget of a few hundred candidates.</summary>
internal sealed record GaSettings
{
    public int PopulationSize { get; init; } = 20;
    public ISelection Selection { get; init; } = new TournamentSelection(4);
    public ICrossover Crossover { get; init; } = new SbxCrossover();
    public double CrossoverProbability { get; init; } = 0.9;
    public IMutation Mutation { get; init; } = new GaussianMutation();
    public OneFifthSuccessRule MutationRule { get; init; } = new();

    /// <summary>Which member a child replaces once the population is full.</summary>
    public IReplacement Replacement { get; init; } = new OldestReplacement();

    /// <summary>How many of the fittest members are never replaced (under <see cref="OldestReplacement"/>; <see cref="CrowdingReplacement"/> never loses a member to a worse child).</summary>
    public int Elites { get; init; } = 1;

    public void Validate()
    {
        if (PopulationSize < 2)
            throw new ArgumentOutOfRangeException(nameof(PopulationSize), "a GA population needs at least 2 members");
        if (Elites < 0 || Elites >= PopulationSize)
            throw new ArgumentOutOfRangeException(nameof(Elites), "elites must be fewer than the population");
        if (CrossoverProbability is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(CrossoverProbability), "a probability lies in [0, 1]");
    }
}
