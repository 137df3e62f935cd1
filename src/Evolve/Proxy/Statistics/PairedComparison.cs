using Evolve.Randomness;

namespace Evolve.Proxy.Statistics;

/// <summary>
/// Candidate A against candidate B on the same items: the mean per-item difference A − B with a paired-bootstrap
/// 95% interval and a two-sided p-value (exact McNemar for 0/1 scores, the bootstrap's otherwise). Pairing removes
/// the item-difficulty variance that two independent intervals would count twice.
/// </summary>
public sealed record PairedComparison(Interval Difference, double PValue, string Test)
{
    public bool AIsBetter(double alpha = 0.05) => Difference.Estimate > 0 && PValue < alpha;

    public static PairedComparison Of(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ulong seed, int resamples = BootstrapInterval.DefaultResamples)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"paired scores need the same items: {a.Length} vs {b.Length}");
        var differences = new double[a.Length];
        for (var i = 0; i < a.Length; i++)
            differences[i] = a[i] - b[i];
        var interval = BootstrapInterval.OfMean(differences, seed, resamples);
        return IsBinary(a) && IsBinary(b)
            ? new PairedComparison(interval, McNemar.ExactPValue(a, b), "mcnemar-exact")
            : new PairedComparison(interval, BootstrapPValue(differences, seed, resamples), "paired-bootstrap");
    }

    private static bool IsBinary(ReadOnlySpan<double> values)
    {
        foreach (var v in values)
            if (v != 0 && v != 1)
                return false;
        return true;
    }

    /// <summary>
    /// Two-sided bootstrap p-value of "mean difference = 0": resample the differences re-centred on zero and count
    /// means at least as extreme as the observed one.
    /// </summary>
    private static double BootstrapPValue(double[] differences, ulong seed, int resamples)
    {
        var n = differences.Length;
        var observed = BootstrapInterval.Mean(differences);
        var extreme = 0;
        for (var r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (var k = 0; k < n; k++)
                sum += differences[CounterRandom.ToIndex(CounterRandom.Hash(~seed, (ulong)r, (ulong)k), n)] - observed;
            if (Math.Abs(sum / n) >= Math.Abs(observed))
                extreme++;
        }
        return (extreme + 1.0) / (resamples + 1.0);
    }
}
