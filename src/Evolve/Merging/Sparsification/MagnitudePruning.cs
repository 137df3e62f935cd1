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
        int n = x.Length;
        int k = (int)Math.Floor(density * n);
        RankSelection.KeepRankRange(x, n - k, n);
    }
}
