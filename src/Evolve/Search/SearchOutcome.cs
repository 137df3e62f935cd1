namespace Evolve.Search;

/// <summary>How a search loop ended.</summary>
/// <param name="StopReason">Why it stopped, as one line for the user.</param>
/// <param name="Aborted">Stopped by too many consecutive failures: the run needs attention, not more time.</param>
/// <param name="Cancelled">Interrupted (Ctrl-C); candidates in flight were dropped and the run can be resumed.</param>
/// <param name="Replayed">Candidates served from the run store while replaying to resume.</param>
internal sealed record SearchOutcome(
    string StopReason,
    bool Aborted,
    bool Cancelled,
    long CandidatesTold,
    long Replayed,
    long Evaluated,
    double BestFitness,
    IReadOnlyList<long> HallOfFame,
    HallMember? Incumbent);
