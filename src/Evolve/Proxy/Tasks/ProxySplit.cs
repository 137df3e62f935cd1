using Evolve.Proxy.Racing;

namespace Evolve.Proxy.Tasks;

/// <summary>
/// A seeded search/held-out split of one set of items: within each task, a seeded permutation puts the first
/// round(fraction × n) items in the held-out part (at least one, and at least one left for the search, when the
/// task has two or more items). Items keep their file order in both parts.
/// </summary>
public sealed record ProxySplit(double HeldOutFraction, ulong Seed)
{
    internal (IReadOnlyList<ProxyItem> Search, IReadOnlyList<ProxyItem> HeldOut) Apply(IReadOnlyList<ProxyItem> items)
    {
        var heldOut = new HashSet<ProxyItem>(ReferenceEqualityComparer.Instance);
        foreach (var task in items.GroupBy(i => i.Task, StringComparer.Ordinal))
        {
            var members = task.ToArray();
            if (members.Length < 2)
                continue;
            var count = Math.Clamp((int)Math.Round(HeldOutFraction * members.Length, MidpointRounding.AwayFromZero), 1, members.Length - 1);
            var order = ItemOrder.Permutation(members.Length, Randomness.CounterRandom.Hash(Seed, Randomness.CounterRandom.Hash(task.Key)));
            for (var i = 0; i < count; i++)
                heldOut.Add(members[order[i]]);
        }
        return (items.Where(i => !heldOut.Contains(i)).ToArray(), items.Where(heldOut.Contains).ToArray());
    }
}
