namespace Evolve.Merging.Sparsification;

/// <summary>
/// Model Breadcrumbs (mergekit's magnitude_outliers): with n elements, target = floor(density·n) kept,
/// n_top = floor(gamma·n) largest removed, n_bot = n − target − n_top smallest removed (n_top absorbs a negative
/// n_bot); the elements of ascending magnitude rank [n_bot, n − n_top) survive.
/// Differs from mergekit, whose slice <c>[n_bot:-n_top]</c> keeps nothing when n_top = 0 and so zeroes the task
/// vector of every tensor with gamma·n &lt; 1 (all small tensors, e.g. norms and biases): here n_top = 0 keeps
/// ranks [n_bot, n).
/// </summary>
internal static class OutlierPruning
{
    public static void Apply(Span<float> x, double density, double gamma)
    {
        if (density >= 1) return;
        var (lo, hi) = KeptRanks(x.Length, density, gamma);
        RankSelection.KeepRankRange(x, lo, hi);
    }

    /// <summary>The ascending magnitude ranks [lo, hi) that survive among <paramref name="n"/> elements.</summary>
    public static (int Lo, int Hi) KeptRanks(int n, double density, double gamma)
    {
        int target = (int)Math.Floor(density * n);
        int top = (int)Math.Floor(gamma * n);
        int bottom = n - target - top;
        if (bottom < 0)
        {
            top += bottom;
            bottom = 0;
        }
        return (bottom, n - top);
    }
}
