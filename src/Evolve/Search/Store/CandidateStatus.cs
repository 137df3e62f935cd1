namespace Evolve.Search.Store;

internal enum CandidateStatus
{
    /// <summary>Evaluated on every item (or served from an identical recipe that was).</summary>
    Ok,

    /// <summary>The evaluation failed; the failure reason says why.</summary>
    Failed,

    /// <summary>Stopped early by racing: its fitness covers only the items evaluated.</summary>
    RacedOut,
}
