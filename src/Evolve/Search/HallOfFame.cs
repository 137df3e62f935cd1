using Evolve.Proxy.Statistics;
using Evolve.Randomness;
using Evolve.Search.Store;

namespace Evolve.Search;

/// <summary>One member of the hall of fame.</summary>
internal sealed record HallMember(long Id, Interval Fitness);

/// <summary>
/// The best fully evaluated candidates, the incumbent first (DESIGN.md §4.7). Two admission rules, fixed at
/// construction:
/// <list type="bullet">
/// <item><b>Paired test</b> (with <see cref="FitnessItems"/>: candidates carry per-item scores on the same items).
/// A challenger is compared with the incumbent on the same items (<see cref="PairedComparison"/>: exact McNemar for
/// 0/1 values, paired bootstrap otherwise). Significantly better (difference &gt; 0, p &lt; α) → it becomes the
/// incumbent and the old one a runner-up; significantly worse → refused; indistinguishable → a runner-up, ranked by
/// point estimate behind the incumbent. So the incumbent changes only on evidence, not on a lucky point estimate
/// (the winner's curse of taking the best of hundreds of noisy estimates), and it may have a lower point estimate
/// than a runner-up that never beat it.</item>
/// <item><b>Point estimate</b> (no item weighting: evaluators without item scores, synthetic tests): best estimate
/// first, ties to the earlier id.</item>
/// </list>
/// Failed, raced-out and archive-served (duplicate recipe) candidates are never admitted.
/// </summary>
internal sealed class HallOfFame(int size, FitnessItems? pairing = null, double alpha = 0.05, ulong seed = 0)
{
    private readonly List<HallMember> _members = [];
    private double[]? _incumbentValues;
    private string[]? _incumbentKeys;

    public IReadOnlyList<long> Ids => _members.Select(m => m.Id).ToArray();

    public IReadOnlyList<HallMember> Members => _members;

    /// <summary>The candidate to beat (racing's target, the paired test's reference); null before the first admission.</summary>
    public HallMember? Incumbent => _members.Count > 0 ? _members[0] : null;

    public bool IsPaired => pairing is not null;

    /// <summary>The comparison that decided the last offer under the paired rule (null for the first member or a point-estimate hall).</summary>
    public PairedComparison? LastComparison { get; private set; }

    /// <summary>Considers a told candidate with its item scores; true when the hall changed.</summary>
    public bool Offer(CandidateRecord candidate, IReadOnlyList<StoredItemScore> items)
    {
        LastComparison = null;
        if (candidate.Status != CandidateStatus.Ok || candidate.ServedFrom is not null
            || candidate.Fitness is not { } fitness || double.IsNaN(fitness.Estimate))
            return false;
        var member = new HallMember(candidate.Id, fitness);
        return pairing is null ? OfferByEstimate(member) : OfferPaired(member, items, pairing);
    }

    private bool OfferByEstimate(HallMember member)
    {
        var index = _members.FindIndex(m => Ranks(member, m));
        return Insert(member, index < 0 ? _members.Count : index);
    }

    private bool OfferPaired(HallMember member, IReadOnlyList<StoredItemScore> items, FitnessItems weighting)
    {
        var values = weighting.Values(items);
        var keys = FitnessItems.Keys(items).Select(k => k.Task + "\n" + k.Item).ToArray();
        if (_members.Count == 0)
        {
            SetIncumbent(values, keys);
            return Insert(member, 0);
        }
        if (!keys.AsSpan().SequenceEqual(_incumbentKeys))
            throw new InvalidOperationException($"candidate {member.Id} was scored on other items than incumbent {_members[0].Id}");
        var comparison = PairedComparison.Of(values, _incumbentValues, CounterRandom.Hash(seed, (ulong)member.Id, (ulong)_members[0].Id));
        LastComparison = comparison;
        if (comparison.PValue < alpha && comparison.Difference.Estimate > 0)
        {
            SetIncumbent(values, keys);
            _members.Insert(0, member);
            // The old incumbent joins the runners-up in point-estimate order.
            var runnersUp = _members.Skip(1).Order(Comparer<HallMember>.Create((x, y) => Ranks(x, y) ? -1 : Ranks(y, x) ? 1 : 0)).ToArray();
            _members.RemoveRange(1, _members.Count - 1);
            _members.AddRange(runnersUp.Take(size - 1));
            return true;
        }
        if (comparison.PValue < alpha && comparison.Difference.Estimate < 0)
            return false;
        var index = _members.FindIndex(1, m => Ranks(member, m));
        return Insert(member, index < 0 ? _members.Count : index);
    }

    private void SetIncumbent(double[] values, string[] keys)
    {
        _incumbentValues = values;
        _incumbentKeys = keys;
    }

    private static bool Ranks(HallMember a, HallMember above) =>
        a.Fitness.Estimate > above.Fitness.Estimate || (a.Fitness.Estimate == above.Fitness.Estimate && a.Id < above.Id);

    private bool Insert(HallMember member, int index)
    {
        if (index >= size)
            return false;
        _members.Insert(index, member);
        if (_members.Count > size)
            _members.RemoveAt(size);
        return true;
    }
}
