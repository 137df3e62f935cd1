using Evolve.Proxy.Scoring;
using Evolve.Proxy.Tasks;
using Evolve.Reporting;
using Evolve.Sweeps;

namespace Evolve.Tests.Reporting;

/// <summary>The report reads what `evolve sweep` writes: a sweep.json from the sweep's own writer, drawn with its numbers.</summary>
public sealed class CompanionContractTests
{
    [Fact]
    public void A_sweep_json_written_by_the_sweep_is_read_with_its_points_fit_and_peak()
    {
        // 20 items of one task; at x = 0, 0.25 … 1 the first 6, 12, 15, 12, 6 items are right: a concave sweep peaking at 0.5.
        double[] xs = [0, 0.25, 0.5, 0.75, 1];
        int[] right = [6, 12, 15, 12, 6];
        var settings = new TaskSettings();
        var points = xs.Select((x, p) =>
        {
            var items = Enumerable.Range(0, 20).Select(k => new ItemScore($"i{k:D2}", "t", k < right[p] ? 1 : 0, -1, null)).ToArray();
            var task = TaskScore.Of("t", settings, items, 5);
            return new SweepPoint(x, $"points/p{p}.yaml", [task], Fitness.Of([task], 5));
        }).ToArray();
        var analysis = SweepAnalysis.Of(points, seed: 3, resamples: 200);
        var folder = RepoPaths.NewTempDir("sweep-contract");
        var result = new SweepResult("slerp", "t", "/m/base", ["/m/a", "/m/b"], false, 3, analysis, points[2].Fitness, folder);
        File.WriteAllText(result.JsonPath, SweepJson.Write(result));

        var sweep = CompanionFiles.Sweep(CompanionFiles.Resolve(folder, SweepResult.JsonFile));
        Assert.Equal("t", sweep["parameter"]!.GetValue<string>());
        Assert.Equal(xs, sweep["points"]!.AsArray().Select(p => p!["x"]!.GetValue<double>()));
        Assert.Equal(right.Select(r => r / 20.0), sweep["points"]!.AsArray().Select(p => p!["estimate"]!.GetValue<double>()));
        Assert.Equal(points.Select(p => p.Fitness.Low), sweep["points"]!.AsArray().Select(p => p!["low"]!.GetValue<double>()));
        Assert.Equal(analysis.Peak, sweep["peak"]!.GetValue<double>());
        Assert.Equal(0.5, analysis.Peak!.Value, 9);
        Assert.Equal(analysis.PeakInterval.Low, sweep["peakLow"]!.GetValue<double>());
        Assert.Equal(analysis.PeakInterval.High, sweep["peakHigh"]!.GetValue<double>());
        Assert.Equal(SweepJson.CurveSamples, sweep["curve"]!.AsArray().Count);
        Assert.Empty(sweep["flags"]!.AsArray());
    }
}
