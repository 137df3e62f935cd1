using Evolve.Randomness;

namespace Evolve.Proxy.Statistics;

/// <summary>
/// Percentile bootstrap interval of a mean, for continuous per-item scores (log-likelihoods). Resampling indices
/// are counter-based draws of (seed, resample, position), so the interval is a pure function of the scores and
/// the seed.
/// </summary>
internal static class BootstrapInterval
{
    public const int DefaultResamples = 2000;

    public static Interval OfMean(ReadOnlySpan<double> values, ulong seed, int resamples = DefaultResamples, double confidence = 0.95)
    {
        var n = values.Length;
        if (n == 0)
            return new Interval(double.NaN, double.NaN, double.NaN, 0);
        var mean = Mean(values);
        var means = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (var k = 0; k < n; k++)
                sum += values[CounterRandom.ToIndex(CounterRandom.Hash(seed, (ulong)r, (ulong)k), n)];
            means[r] = sum / n;
        }
        Array.Sort(means);
        var tail = (1 - confidence) / 2;
        return new Interval(mean, Quantile(means, tail), Quantile(means, 1 - tail), n);
    }

    public static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (var v in values) sum += v;
        return sum / values.Length;
    }

    /// <summary>Linear interpolation between order statistics (type 7, numpy's default).</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }
}
