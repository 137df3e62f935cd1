using System.Text.Json;
using Evolve.Reporting;

namespace Evolve.Tests.Reporting;

/// <summary>The report as headless Chromium renders it, offline: no console messages, no errors, every chart drawn with the run's numbers.</summary>
public sealed class ReportBrowserTests
{
    [ChromiumFact]
    public void The_report_renders_offline_with_no_console_errors_and_every_chart_holds_the_runs_points()
    {
        var run = new RunFixture(Path.Combine(RepoPaths.NewTempDir("report-browser"), "run-3"), RepoPaths.Zoo);
        File.WriteAllText(Path.Combine(run.Folder, "sweep.json"), CompanionJson.Sweep);
        var soupFolder = RepoPaths.NewTempDir("report-browser-soup");
        File.WriteAllText(Path.Combine(soupFolder, "soup.json"), CompanionJson.Soup);
        var report = RunReport.Write(run.Folder, soup: soupFolder);
        using var result = HeadlessChromium.Check(report);
        var r = result.RootElement;
        Assert.Empty(r.GetProperty("pageErrors").EnumerateArray());
        Assert.Empty(r.GetProperty("consoleMessages").EnumerateArray());
        Assert.Empty(r.GetProperty("refused").EnumerateArray());

        var charts = r.GetProperty("charts").EnumerateObject().ToDictionary(c => c.Name, c => c.Value);
        Assert.Equal(["fitness", "genes-density", "genes-weight", "heldout", "methods", "racing", "soup", "sweep"], charts.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, chart) in charts)
        {
            Assert.True(chart.GetProperty("svg").GetInt32() == 1, $"{name}: one SVG expected");
            Assert.Equal(0, chart.GetProperty("canvas").GetInt32());
            Assert.True(chart.GetProperty("svgShapes").GetInt32() > 10, $"{name}: drew almost nothing");
        }

        static Dictionary<string, int> Points(JsonElement chart) =>
            chart.GetProperty("series").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("points").GetInt32());
        var fitness = Points(charts["fitness"]);
        var all = RunFixture.Candidates;
        Assert.Equal(all.Length, fitness["scored"] + fitness["raced out"] + fitness["failed"]);
        Assert.Equal(all.Count(c => c.Status == Evolve.Search.Store.CandidateStatus.Ok), fitness["scored"]);
        Assert.Equal(3, fitness["raced out"]);
        Assert.Equal(1, fitness["failed"]);
        Assert.Equal(all.Length, fitness["best estimate so far"]);
        Assert.Equal(all.Length, Points(charts["racing"])["saved by racing"]);
        Assert.Equal(4, Points(charts["methods"])["candidates"]);
        // 3 models × 3 module groups × 4 layers.
        Assert.Equal(36, Points(charts["genes-weight"])["weight"]);

        // Three hall-of-fame members with search scores, two re-scored on the held-out split (the third failed).
        Assert.Equal(3, Points(charts["heldout"])["search"]);
        Assert.Equal(2, Points(charts["heldout"])["held-out"]);

        Assert.Equal(6, Points(charts["sweep"])["grid points"]);
        Assert.Equal(5, Points(charts["sweep"])["quadratic fit"]);
        Assert.Equal(3, Points(charts["soup"])["soup after the step"]);
        Assert.Equal(2, Points(charts["soup"])["kept"]);
        Assert.Equal(1, Points(charts["soup"])["rejected"]);

        var sections = r.GetProperty("sections").EnumerateArray().Select(s => s.GetString()).ToArray();
        Assert.Contains("Search vs held-out", sections);
        Assert.Contains("Items saved by racing", sections);
        Assert.Contains("Ratio sweep: slerp over t", sections);
    }
}
