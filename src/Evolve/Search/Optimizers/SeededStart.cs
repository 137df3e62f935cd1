using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers;

/// <summary>
/// Asks the seed individuals first (ids 0 … s−1, in order), then the inner optimizer's candidates with their ids
/// shifted by s. For an optimizer that has no population to put seeds into (CMA-ES samples a distribution): the
/// seeds are evaluated and compete for the hall of fame, and the inner optimizer is never told about them. Asks
/// depend only on the inner optimizer's own asks and tells, so replay stays exact.
/// </summary>
internal sealed class SeededStart(IOptimizer inner, IReadOnlyList<double[]> seeds) : IOptimizer
{
    private State _state = new();

    public string Name => inner.Name;

    public GenomeSpace Space => inner.Space;

    public int Generation => inner.Generation;

    public Candidate Ask()
    {
        var id = _state.NextSeed;
        if (id < seeds.Count)
        {
            _state.NextSeed++;
            _state.PendingSeeds.Add(id);
            return new Candidate(id, (double[])seeds[(int)id].Clone());
        }
        var asked = inner.Ask();
        return asked with { Id = asked.Id + seeds.Count };
    }

    public void Tell(long candidateId, double fitness)
    {
        if (candidateId >= seeds.Count)
            inner.Tell(candidateId - seeds.Count, fitness);
        else if (!_state.PendingSeeds.Remove(candidateId))
            throw new InvalidOperationException($"{Name}: seed candidate {candidateId} was not asked or was already told");
    }

    public string ExportState() => OptimizerStateJson.Write(new Combined(_state, inner.ExportState()));

    public void ImportState(string json)
    {
        var combined = OptimizerStateJson.Read<Combined>(json, Name);
        _state = combined.Seeds;
        inner.ImportState(combined.Inner);
    }

    internal sealed class State
    {
        public long NextSeed { get; set; }
        public SortedSet<long> PendingSeeds { get; set; } = [];
    }

    internal sealed record Combined(State Seeds, string Inner);
}
