using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers;

/// <summary>
/// The baseline: every candidate is uniform in the unit box (after the seed individuals, which come first).
/// Candidate i depends only on (seed, i), so asks never depend on tells.
/// </summary>
internal sealed class RandomSearch : IOptimizer
{
    private readonly ulong _seed;
    private readonly IReadOnlyList<double[]> _seedUnits;
    private State _state = new();

    public RandomSearch(GenomeSpace space, ulong seed, IReadOnlyList<double[]>? seedGenomes = null)
    {
        Space = space;
        _seed = seed;
        _seedUnits = (seedGenomes ?? []).Select(g => space.Encode(g)).ToArray();
    }

    public string Name => "random";

    public GenomeSpace Space { get; }

    public int Generation => 0;

    public Candidate Ask()
    {
        var id = _state.NextId++;
        double[] unit;
        if (id < _seedUnits.Count)
            unit = _seedUnits[(int)id];
        else
        {
            var draws = new DrawStream(_seed, "random.candidate", id);
            unit = new double[Space.Count];
            for (var i = 0; i < unit.Length; i++)
                unit[i] = draws.Uniform();
        }
        _state.Pending.Add(id);
        return new Candidate(id, Space.Decode(unit));
    }

    public void Tell(long candidateId, double fitness)
    {
        if (!_state.Pending.Remove(candidateId))
            throw new InvalidOperationException($"random search: candidate {candidateId} was not asked or was already told");
    }

    public string ExportState() => OptimizerStateJson.Write(_state);

    public void ImportState(string json) => _state = OptimizerStateJson.Read<State>(json, Name);

    internal sealed class State
    {
        public long NextId { get; set; }
        public SortedSet<long> Pending { get; set; } = [];
    }
}
