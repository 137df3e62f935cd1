namespace Evolve.Search.Optimizers.Ga;

/// <summary>The operators and rates of a <see cref="GeneticAlgorithm"/>; the defaults suit a budget of a few hundred candidates.</summary>
internal sealed record GaSettings
{
    /// <summary>Members over all islands.</summary>
    public int PopulationSize { get; init; } = 20;

    /// <summary>
    /// Sub-populations that breed apart, each of <see cref="PopulationSize"/> / Islands members; candidate i belongs to
    /// island i mod Islands. 1: one population.
    /// </summary>
    public int Islands { get; init; } = 1;

    /// <summary>
    /// Every this many tells each island's fittest member moves a copy to the next island in a ring, inserted as a
    /// child would be (0: islands never exchange).
    /// </summary>
    public int MigrationInterval { get; init; }

    internal int IslandSize => PopulationSize / Islands;

    /// <summary>Where the candidates after the seed individuals and before the first child lie.</summary>
    public IInitialDesign InitialDesign { get; init; } = new LatinHypercubeDesign();

    /// <summary>
    /// How many candidates the initial design asks, seed individuals included (null: two populations' worth); the
    /// first population is the fittest <see cref="PopulationSize"/> of them.
    /// </summary>
    public int? InitialDesignSize { get; init; }

    internal int DesignSize => InitialDesignSize ?? 2 * PopulationSize;

    public ISelection Selection { get; init; } = new TournamentSelection(4);
    public ICrossover Crossover { get; init; } = new SbxCrossover();
    public double CrossoverProbability { get; init; } = 0.9;
    public IMutation Mutation { get; init; } = new GaussianMutation();
    public OneFifthSuccessRule MutationRule { get; init; } = new();

    /// <summary>Which member a child replaces once the population is full.</summary>
    public IReplacement Replacement { get; init; } = new OldestReplacement();

    /// <summary>How many of an island's fittest members are never replaced (under <see cref="OldestReplacement"/>; <see cref="CrowdingReplacement"/> never loses a member to a worse child).</summary>
    public int Elites { get; init; } = 1;

    public void Validate()
    {
        if (PopulationSize < 2)
            throw new ArgumentOutOfRangeException(nameof(PopulationSize), "a GA population needs at least 2 members");
        if (Islands < 1 || PopulationSize % Islands != 0 || IslandSize < 2)
            throw new ArgumentOutOfRangeException(nameof(Islands), "islands must split the population into equal parts of at least 2 members");
        if (MigrationInterval < 0)
            throw new ArgumentOutOfRangeException(nameof(MigrationInterval), "a migration interval is a count of tells, 0 for none");
        if (DesignSize < PopulationSize)
            throw new ArgumentOutOfRangeException(nameof(InitialDesignSize), "the initial design must fill the first population");
        if (Elites < 0 || Elites >= IslandSize)
            throw new ArgumentOutOfRangeException(nameof(Elites), "elites must be fewer than an island's members");
        if (CrossoverProbability is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(CrossoverProbability), "a probability lies in [0, 1]");
    }
}
