using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// A steady-state GA: after an initial population (seed individuals, then uniform draws), each ask breeds one child
/// from the members told so far, and each tell inserts the child as the settings' <see cref="IReplacement"/> says
/// (by default in place of the oldest member outside the elite), so there is no generation barrier and candidates
/// may finish in any order. A "generation" is one population's worth of tells. Child i's draws depend only on
/// (seed, i), so the history of asks and tells fixes every genome.
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
        if (double.IsNaN(fitness))
            return;
        var child = new Individual(candidateId, pending.Unit, fitness, _state.Told);
        var population = _state.Population;
        if (population.Count < _settings.PopulationSize)
            population.Add(child);
        else if (_settings.Replacement.Victim(population, child, Space, _settings.Elites) is var victim and >= 0)
            population[victim] = child;
    }

    public string ExportState() => OptimizerStateJson.Write(_state);

    public void ImportState(string json) => _state = OptimizerStateJson.Read<State>(json, Name);

    private PendingChild Breed(long id)
    {
        if (id < _seedUnits.Count)
            return new PendingChild((double[])_seedUnits[(int)id].Clone(), double.NaN);
        var population = _state.Population;
        if (id < _settings.PopulationSize || population.Count < 2)
        {
            var random = new DrawStream(_seed, "ga.initial", id);
            var unit = new double[Space.Count];
            for (var i = 0; i < unit.Length; i++)
                unit[i] = random.Uniform();
            return new PendingChild(unit, double.NaN);
        }
        var draws = new DrawStream(_seed, "ga.child", id);
        var first = _settings.Selection.Select(population, draws);
        // Crossing a member with itself only copies it; a few redraws find a second parent under any selection.
        var second = _settings.Selection.Select(population, draws);
        for (var retry = 0; retry < 8 && second == first; retry++)
            second = _settings.Selection.Select(population, draws);
        var a = population[first];
        var b = population[second];
        var child = draws.Uniform() < _settings.CrossoverProbability
            ? _settings.Crossover.Cross(a.Unit, b.Unit, Space, draws)
            : (double[])a.Unit.Clone();
        _settings.Mutation.Mutate(child, Space, _state.MutationStrength, draws);
        return new PendingChild(child, Math.Max(a.Fitness, b.Fitness));
    }

    internal sealed record PendingChild(double[] Unit, double ParentFitness);

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
