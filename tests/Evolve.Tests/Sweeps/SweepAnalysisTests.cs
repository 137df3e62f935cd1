using Evolve.Proxy.Scoring;
using Evolve.Proxy.Tasks;
using Evolve.Randomness;
using Evolve.Sweeps;

namespace Evolve.Tests.Sweeps;

/// <summary>Sweeps on constructed per-item scores: a known curve plus seeded item noise, over 0, 0.1 … 1.</summary>
public class SweepAnalysisTests
{
    private static readonly double[] Grid = SweepGrid.Parse("0:1:0.1");

    /// <summary>Item k of task "a" scores f(x) + noise, noise uniform with standard deviation <paramref name="sd"/>, drawn per (item, point).</summary>
    internal static List<SweepPoint> Points(Func<double, double> f, double sd, ulong noiseSeed, int items = 300)
    {
        var settings = new TaskSettings { Metric = TaskMetric.LogLikelihood };
        return Grid.Select((x, p) =>
        {
            var scores = Enumerable.Range(0, items).Select(k =>
            {
                var u = CounterRandom.ToUnitDouble(CounterRandom.Hash(noiseSeed, (ulong)p, (ulong)k));
                var value = f(x) + sd * Math.Sqrt(3) * (2 * u - 1);
                return new ItemScore($"a-{k}", "a", value, value, null);
            }).ToArray();
            IReadOnlyList<TaskScore> tasks = [TaskScore.Of("a", settings, scores, 0)];
            return new SweepPoint(x, $"points/p{p:00}.yaml", tasks, Fitness.Of(tasks, 0));
        }).ToList();
    }

    private static double Peaked(double x) => 0.3 + 0.8 * x - 0.8 * x * x;

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void An_interior_peak_is_found_and_its_bootstrap_interval_holds_the_true_peak(ulong noiseSeed)
    {
        var sweep = SweepAnalysis.Of(Points(Peaked, 0.5, noiseSeed), seed: 7, resamples: 1000);
        Assert.Empty(sweep.Flags);
        Assert.NotNull(sweep.Peak);
        Assert.Equal(sweep.Peak!.Value, sweep.Chosen);
        Assert.Equal(sweep.Peak.Value, sweep.PeakInterval.Estimate);
        Assert.InRange(0.5, sweep.PeakInterval.Low, sweep.PeakInterval.High);
        Assert.InRange(sweep.Peak.Value, 0.4, 0.6);
        // Noise of sd 0.5 over 300 items moves each point's mean by about 0.03 against a curve that rises 0.2.
        Assert.True(sweep.PeakInterval.High - sweep.PeakInterval.Low < 0.3, $"interval {sweep.PeakInterval}");
        Assert.True(sweep.ConcaveShare > 0.95, $"concave share {sweep.ConcaveShare}");
    }

    [Fact]
    public void The_peak_interval_is_a_pure_function_of_the_scores_and_the_seed()
    {
        var points = Points(Peaked, 0.5, 1);
        var first = SweepAnalysis.Of(points, seed: 7, resamples: 500);
        var again = SweepAnalysis.Of(Points(Peaked, 0.5, 1), seed: 7, resamples: 500);
        var other = SweepAnalysis.Of(points, seed: 8, resamples: 500);
        Assert.Equal(first.PeakInterval, again.PeakInterval);
        Assert.Equal(first.ConcaveShare, again.ConcaveShare);
        Assert.Equal(first.Peak, other.Peak);
        Assert.NotEqual(first.PeakInterval, other.PeakInterval);
    }

    [Fact]
    public void A_convex_fit_is_flagged_and_the_best_grid_point_is_chosen()
    {
        var points = Points(x => 0.5 - 0.8 * x + 0.9 * x * x, 0.2, 4);
        var sweep = SweepAnalysis.Of(points, seed: 0, resamples: 200);
        Assert.Equal([SweepFlag.NotConcave], sweep.Flags);
        Assert.Null(sweep.Peak);
        Assert.Equal(points.MaxBy(p => p.Fitness.Estimate)!.X, sweep.Chosen);
        Assert.Contains(sweep.Chosen, Grid);
    }

    [Fact]
    public void A_peak_beyond_the_grid_is_flagged_not_extrapolated()
    {
        // Vertex of 0.2 + 0.5x − 0.1x² is at 2.5; without noise every resample agrees.
        var sweep = SweepAnalysis.Of(Points(x => 0.2 + 0.5 * x - 0.1 * x * x, 0, 5), seed: 0, resamples: 100);
        Assert.Equal([SweepFlag.PeakOutsideGrid], sweep.Flags);
        Assert.Null(sweep.Peak);
        Assert.Equal(2.5, sweep.Fit.Vertex!.Value, 9);
        Assert.Equal(1, sweep.Chosen);
        Assert.Equal((1.0, 1.0, 1.0), (sweep.PeakInterval.Estimate, sweep.PeakInterval.Low, sweep.PeakInterval.High));
        Assert.Equal(0, sweep.ConcaveShare);
    }

    [Fact]
    public void The_plot_puts_each_point_and_the_marker_where_the_numbers_say()
    {
        var sweep = SweepAnalysis.Of(Points(Peaked, 0, 6), seed: 0, resamples: 10);
        var lines = SweepPlot.Render(sweep, "t", width: 41, height: 11);
        var rows = lines.Take(11).Select(l => l[(l.IndexOf('|') + 2)..]).ToArray();
        // Without noise the fit is exact: fitness 0.3 at both ends (bottom row), 0.5 at t = 0.5 (top row).
        Assert.Equal(SweepPlot.Point, rows[10][0]);
        Assert.Equal(SweepPlot.Point, rows[10][40]);
        Assert.Equal(SweepPlot.Point, rows[0][20]);
        Assert.Equal(0.5, sweep.Chosen, 9);
        Assert.Equal(SweepPlot.Marker, rows[5][20]);
        Assert.Contains("t* = 0.5", lines[^1]);
        Assert.StartsWith("0.500", lines[0].TrimStart());
    }
}
