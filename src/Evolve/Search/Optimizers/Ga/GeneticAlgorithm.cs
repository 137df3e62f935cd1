using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// A steady-state GA. An initial design (the seed individuals, then the settings' <see cref="IInitialDesign"/>) whose
/// fittest members form the first population; then each ask breeds one child from the members told so far, and each
/// tell inserts the child as the settings' <see cref="IReplacement"/> says (by default in place of the oldest member
/// outside the elite), so there is no generation barrier and candidates may finish in any order. With k islands,
/// candidate i breeds on and joins island i mod k, and every <see cref="GaSettings.MigrationInterval"/> tells each
/// island's fittest member copies itself to the next. A "generation" is one population's worth of tells. Child i's
/// draws depend only on (seed, i), so the history of asks and tells fixes every genome.
/// </summary>
internal sealed class GeneticAlgorithm : IOptimizer
{
    private readonly ulong _seed;
    private readonly GaSettings _settings;
    private readonly IReadOnlyList<double[]> _seedUnits;
    private State _state = new();

    public GeneticAlgorithm(GenomeSpace space, ulong seed, GaSettings? settings = null, IReadOnlyList<double[]>? seedGenomes = null)
    {
        _settings = settings ?? new GaSettings();
        _settings.Validate();
        Space = space;
        _seed = seed;
        _seedUnits = (seedGenomes ?? []).Select(g => space.Encode(g)).ToArray();
    }

    public string Name => "ga";

    public GenomeSpace Space { get; }

    public int Generation => (int)(_state.Told / _settings.PopulationSize);

    /// <summary>The current mutation strength (1 = nominal step), adapted by the 1/5th success rule.</summary>
    public double MutationStrength => _state.MutationStrength;

    public IReadOnlyList<Individual> Population => _state.Population;

    public Candidate Ask()
    {
        var id = _state.NextId++;
        var pending = Breed(id);
        _state.Pending.Add(id, pending);
        return new Candidate(id, Space.Decode(pending.Unit));
    }

    public void Tell(long candidateId, double fitness)
    {
        if (!_state.Pending.Remove(candidateId, out var pending))
            throw new InvalidOperationException($"ga: candidate {candidateId} was not asked or was already told");
        _state.Told++;
        if (!double.IsNaN(pending.ParentFitness) && !double.IsNaN(fitness))
        {
            _state.Trials++;
            if (fitness > pending.ParentFitness)
                _state.Successes++;
            if (_state.Trials == _settings.PopulationSize)
            {
                _state.MutationStrength = _settings.MutationRule.Adjust(_state.MutationStrength, _state.Successes, _state.Trials);
                _state.Trials = 0;
                _state.Successes = 0;
            }
        }
        if (!double.IsNaN(fitness))
            Insert(new Individual(candidateId, pending.Unit, fitness, _state.Told, pending.Island), fromDesign: candidateId < _settings.DesignSize);
        if (_settings.Islands > 1 && _settings.MigrationInterval > 0 && _state.Told % _settings.MigrationInterval == 0)
            Migrate();
    }

    public string ExportState() => OptimizerStateJson.Write(_state);

    public void ImportState(string json) => _state = OptimizerStateJson.Read<State>(json, Name);

    private PendingChild Breed(long id)
    {
        var island = (int)(id % _settings.Islands);
        if (id < _seedUnits.Count)
            return new PendingChild((double[])_seedUnits[(int)id].Clone(), double.NaN, island);
        if (id < _settings.DesignSize)
        {
            var rows = _settings.DesignSize - _seedUnits.Count;
            var row = (int)(id - _seedUnits.Count);
            return new PendingChild(_settings.InitialDesign.Point(_seed, id, row, rows, Space.Count), double.NaN, island);
        }
        var members = Members(island).Select(i => _state.Population[i]).ToArray();
        if (members.Length < 2)
            return new PendingChild(UniformDesign.Draw(_seed, id, Space.Count), double.NaN, island);
        var draws = new DrawStream(_seed, "ga.child", id);
        var first = _settings.Selection.Select(members, draws);
        // Crossing a member with itself only copies it; a few redraws find a second parent under any selection.
        var second = _settings.Selection.Select(members, draws);
        for (var retry = 0; retry < 8 && second == first; retry++)
            second = _settings.Selection.Select(members, draws);
        var a = members[first];
        var b = members[second];
        var child = draws.Uniform() < _settings.CrossoverProbability
            ? _settings.Crossover.Cross(a.Unit, b.Unit, Space, draws)
            : (double[])a.Unit.Clone();
        _settings.Mutation.Mutate(child, Space, _state.MutationStrength, draws);
        return new PendingChild(child, Math.Max(a.Fitness, b.Fitness), island);
    }

    /// <summary>Indices into the population of an island's members, in population order.</summary>
    private List<int> Members(int island)
    {
        var members = new List<int>(_settings.IslandSize);
        for (var i = 0; i < _state.Population.Count; i++)
            if (_state.Population[i].Island == island)
                members.Add(i);
        return members;
    }

    /// <summary>
    /// Puts a told member into its island: while the island is short it joins; a design point then replaces the
    /// island's worst if fitter (so the first population is the design's fittest); a child replaces the member the
    /// settings' replacement names.
    /// </summary>
    private void Insert(Individual member, bool fromDesign)
    {
        var population = _state.Population;
        var indices = Members(member.Island);
        if (indices.Count < _settings.IslandSize)
        {
            population.Add(member);
            return;
        }
        var island = indices.Select(i => population[i]).ToArray();
        if (fromDesign)
        {
            var worst = WorstMember(island);
            if (member.Fitness > island[worst].Fitness)
                population[indices[worst]] = member;
        }
        else if (_settings.Replacement.Victim(island, member, Space, _settings.Elites) is var victim and >= 0)
            population[indices[victim]] = member;
    }

    /// <summary>
    /// Each island's fittest member (of equals the earlier id), picked before any moves, goes as a copy born now to
    /// the next island in the ring.
    /// </summary>
    private void Migrate()
    {
        var migrants = new Individual?[_settings.Islands];
        foreach (var member in _state.Population)
        {
            var best = migrants[member.Island];
            if (best is null || member.Fitness > best.Fitness || (member.Fitness == best.Fitness && member.Id < best.Id))
                migrants[member.Island] = member;
        }
        for (var island = 0; island < _settings.Islands; island++)
            if (migrants[island] is { } migrant)
                Insert(migrant with { Island = (island + 1) % _settings.Islands, Born = _state.Told }, fromDesign: false);
    }

    /// <summary>The least fit member, of equals the oldest.</summary>
    private static int WorstMember(IReadOnlyList<Individual> population)
    {
        var worst = 0;
        for (var i = 1; i < population.Count; i++)
            if (population[i].Fitness < population[worst].Fitness || (population[i].Fitness == population[worst].Fitness && population[i].Born < population[worst].Born))
                worst = i;
        return worst;
    }

    internal sealed record PendingChild(double[] Unit, double ParentFitness, int Island = 0);

    internal sealed class State
    {
        public long NextId { get; set; }
        public long Told { get; set; }
        public double MutationStrength { get; set; } = 1.0;
        public int Trials { get; set; }
        public int Successes { get; set; }
        public List<Individual> Population { get; set; } = [];
        public SortedDictionary<long, PendingChild> Pending { get; set; } = [];
    }
}
