using Evolve.Proxy.Scoring;
using Evolve.Proxy.Statistics;
using Evolve.Randomness;

namespace Evolve.Sweeps;

/// <summary>
/// The fit of a sweep: a least-squares quadratic through the points' fitness estimates, its peak t*, and a percentile
/// bootstrap interval of the peak that resamples proxy items.
/// </summary>
/// <param name="Peak">t*: the vertex of a concave fit inside the grid's range; null when a flag is raised.</param>
/// <param name="PeakInterval">
/// Estimate: the maximizer of the fit over the grid's range (t* when there is one, else the better end). Low/High:
/// the percentiles of that maximizer over the resamples. Count: the resamples.
/// </param>
/// <param name="ConcaveShare">Share of the resamples whose fit is concave with its vertex inside the grid.</param>
/// <param name="Chosen">t* when there is one, else the grid value with the highest fitness estimate (the first on a tie).</param>
internal sealed record SweepAnalysis(
    IReadOnlyList<SweepPoint> Points,
    Quadratic Fit,
    double RSquared,
    double? Peak,
    Interval PeakInterval,
    double ConcaveShare,
    IReadOnlyList<SweepFlag> Flags,
    double Chosen)
{
    public double GridLow => Points[0].X;

    public double GridHigh => Points[^1].X;

    /// <summary>
    /// Fits the points (sorted by x, every one scored on the same items in the same order). Resample r draws, within
    /// each task, the items that <see cref="Fitness.Of"/> draws in its resample r for the same seed, and applies the
    /// same draw to every point (the points are paired on items): each resample refits the quadratic to the points'
    /// resampled fitnesses and records its maximizer over the grid's range.
    /// </summary>
    public static SweepAnalysis Of(IReadOnlyList<SweepPoint> points, ulong seed, int resamples = BootstrapInterval.DefaultResamples, double confidence = 0.95)
    {
        var x = points.Select(p => p.X).ToArray();
        var y = points.Select(p => p.Fitness.Estimate).ToArray();
        var fit = Quadratic.Fit(x, y);
        double lo = x[0], hi = x[^1];
        var flags = new List<SweepFlag>();
        if (!fit.IsConcave)
            flags.Add(SweepFlag.NotConcave);
        else if (fit.Vertex is not { } v || v < lo || v > hi)
            flags.Add(SweepFlag.PeakOutsideGrid);
        double? peak = flags.Count == 0 ? fit.Vertex : null;

        var (argMax, concave) = Bootstrap(points, x, seed, resamples);
        Array.Sort(argMax);
        var tail = (1 - confidence) / 2;
        var interval = new Interval(fit.ArgMaxOn(lo, hi), BootstrapInterval.Quantile(argMax, tail), BootstrapInterval.Quantile(argMax, 1 - tail), resamples);
        var best = points.Aggregate((a, b) => b.Fitness.Estimate > a.Fitness.Estimate ? b : a);
        return new SweepAnalysis(points, fit, fit.RSquared(x, y), peak, interval, (double)concave / resamples, flags, peak ?? best.X);
    }

    private static (double[] ArgMax, int Concave) Bootstrap(IReadOnlyList<SweepPoint> points, double[] x, ulong seed, int resamples)
    {
        var tasks = points[0].Tasks;
        foreach (var p in points)
            if (p.Tasks.Count != tasks.Count || p.Tasks.Where((t, i) => t.Task != tasks[i].Task || t.Items.Count != tasks[i].Items.Count).Any())
                throw new ArgumentException($"the point at {p.X} was not scored on the same tasks and items as the first", nameof(points));
        var totalWeight = tasks.Sum(t => t.Weight);
        var scores = points.Select(p => p.Tasks.Select(t => t.Items.Select(i => i.Score).ToArray()).ToArray()).ToArray();
        var taskSeeds = tasks.Select(t => CounterRandom.Hash(seed, CounterRandom.Hash(t.Task))).ToArray();
        var indices = tasks.Select(t => new int[t.Items.Count]).ToArray();
        var y = new double[points.Count];
        var argMax = new double[resamples];
        var concave = 0;
        for (var r = 0; r < resamples; r++)
        {
            for (var t = 0; t < tasks.Count; t++)
                for (var k = 0; k < indices[t].Length; k++)
                    indices[t][k] = CounterRandom.ToIndex(CounterRandom.Hash(taskSeeds[t], (ulong)r, (ulong)k), indices[t].Length);
            for (var p = 0; p < points.Count; p++)
            {
                double weighted = 0;
                for (var t = 0; t < tasks.Count; t++)
                {
                    double sum = 0;
                    foreach (var i in indices[t])
                        sum += scores[p][t][i];
                    weighted += tasks[t].Weight * (sum / indices[t].Length);
                }
                y[p] = weighted / totalWeight;
            }
            var fit = Quadratic.Fit(x, y);
            argMax[r] = fit.ArgMaxOn(x[0], x[^1]);
            if (fit.IsConcave && fit.Vertex is { } v && v >= x[0] && v <= x[^1])
                concave++;
        }
        return (argMax, concave);
    }
}
