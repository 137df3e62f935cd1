using Evolve.Search.Store;

namespace Evolve.Search;

/// <summary>
/// The best fully evaluated candidates, best first (ties to the earlier id). Admission here is by point estimate;
/// the paired comparison of DESIGN.md §4.7 needs the scorer's items and comes with it.
/// </summary>
internal sealed class HallOfFame(int size)
{
    private readonly List<(long Id, double Fitness)> _members = [];

    public IReadOnlyList<long> Ids => _members.Select(m => m.Id).ToArray();

    /// <summary>Considers a told candidate; true when the hall changed.</summary>
    public bool Offer(CandidateRecord candidate)
    {
        if (candidate.Status != CandidateStatus.Ok || candidate.Fitness is not { } fitness || double.IsNaN(fitness.Estimate))
            return false;
        var index = _members.FindIndex(m => fitness.Estimate > m.Fitness || (fitness.Estimate == m.Fitness && candidate.Id < m.Id));
        if (index < 0)
            index = _members.Count;
        if (index >= size)
            return false;
        _members.Insert(index, (candidate.Id, fitness.Estimate));
        if (_members.Count > size)
            _members.RemoveAt(size);
        return true;
    }
}
