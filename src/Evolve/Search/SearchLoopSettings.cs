using Evolve.Search.Store;
using Evolve.Search.Terminations;

namespace Evolve.Search;

internal sealed record SearchLoopSettings
{
    /// <summary>The most candidates ever asked (the candidate budget); resuming with a larger one extends the run.</summary>
    public required long MaxCandidates { get; init; }

    /// <summary>Candidates evaluated at once; the optimizer is asked again as soon as one finishes (no generation barrier).</summary>
    public int InFlight { get; init; } = 1;

    /// <summary>Stop, instead of burning the night, after this many failed candidates in a row.</summary>
    public int MaxConsecutiveFailures { get; init; } = 10;

    /// <summary>Further stop rules (generations, wall clock, stagnation); candidates in flight are finished and kept.</summary>
    public ITermination? Termination { get; init; }

    /// <summary>An improvement of the best fitness smaller than this does not reset the stagnation count.</summary>
    public double ImprovementTolerance { get; init; }

    public int HallOfFameSize { get; init; } = 5;

    /// <summary>
    /// Turns item scores into fitness contributions for the hall of fame's paired test; null admits by point
    /// estimate (see <see cref="HallOfFame"/>).
    /// </summary>
    public FitnessItems? Pairing { get; init; }

    /// <summary>The paired test's significance level for replacing the incumbent (and for refusing a worse candidate).</summary>
    public double HallOfFameAlpha { get; init; } = 0.05;

    /// <summary>Seeds the paired bootstrap (the run seed), so admissions replay identically.</summary>
    public ulong HallOfFameSeed { get; init; }

    /// <summary>Called when the hall of fame changed, members incumbent first; after a replay, once with the replayed hall.</summary>
    public Action<IReadOnlyList<HallMember>>? HallOfFameChanged { get; init; }

    /// <summary>Called after each candidate is committed to the store (live display, tests).</summary>
    public Action<CandidateRecord, SearchProgress>? Committed { get; init; }
}
