using Evolve.Proxy.Statistics;
using Evolve.Search.Store;

namespace Evolve.Export;

/// <summary>A candidate's fitness (95% interval) and task means on the search split, and on the held-out split when the run re-scored it there.</summary>
internal sealed record CandidateScores(Interval? Search, IReadOnlyList<TaskMean> SearchTasks, Interval? HeldOut, IReadOnlyList<TaskMean> HeldOutTasks)
{
    public static CandidateScores Read(RunStore store, CandidateRecord candidate)
    {
        // A candidate served from the archive has its items stored under the candidate that was evaluated.
        var scored = candidate.ServedFrom ?? candidate.Id;
        var heldOut = store.ReadHeldOut().FirstOrDefault(r => r.Candidate == candidate.Id && r.HeldOut is not null);
        return new CandidateScores(candidate.Fitness, TaskMean.Of(store.ReadItemScores(scored)), heldOut?.HeldOut, TaskMean.Of(heldOut?.Items ?? []));
    }
}
