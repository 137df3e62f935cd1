using Evolve.Randomness;

namespace Evolve.Proxy.Racing;

/// <summary>
/// The seeded order in which a race scores items: a uniformly random permutation (Fisher–Yates on counter-based
/// draws), so every prefix is a simple random sample without replacement, which the race's bound assumes.
/// </summary>
internal static class ItemOrder
{
    public static int[] Permutation(int count, ulong seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        for (var i = count - 1; i > 0; i--)
        {
            var j = CounterRandom.ToIndex(CounterRandom.Hash(seed, 0x7ACE, (ulong)i), i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
