namespace Evolve.Merging.Sparsification;

/// <summary>
/// TIES pruning: keep the k = floor(density·n) largest magnitudes of the whole tensor, found by O(n) selection.
/// Differs from mergekit where it asserts k &gt; 0: a density that rounds to k = 0 prunes everything.
/// </summary>
internal static class MagnitudePruning
{
    public static void Apply(Span<float> x, double density)
    {
        if (density >= 1) return;
        var (lo, hi) = KeptRanks(x.Length, density);
        RankSelection.KeepRankRange(x, lo, hi);
    }

    /// <summary>The ascending magnitude ranks [lo, hi) that survive among <paramref name="n"/> elements.</summary>
    public static (int Lo, int Hi) KeptRanks(int n, double density) => (n - (int)Math.Floor(density * n), n);
}
