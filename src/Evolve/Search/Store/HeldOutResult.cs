using Evolve.Proxy.Statistics;

namespace Evolve.Search.Store;

/// <summary>
/// A hall-of-fame member re-scored at the end of a run on the held-out split, which the search never saw:
/// <see cref="Gap"/> = search − held-out estimates, the optimism of picking the best of many noisy search scores.
/// </summary>
internal sealed record HeldOutResult(int Rank, long Candidate, Interval Search, Interval? HeldOut, IReadOnlyList<StoredItemScore> Items, string? Failure = null)
{
    public double? Gap => HeldOut is { } h ? Search.Estimate - h.Estimate : null;
}
