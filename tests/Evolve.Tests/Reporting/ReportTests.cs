using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Evolve.Cli;
using Evolve.Export;
using Evolve.Reporting;

namespace Evolve.Tests.Reporting;

/// <summary>`evolve report`: what it gathers from a run, and the page as headless Chromium renders it.</summary>
public sealed class ReportTests
{
    private static RunFixture ZooRun(string purpose) => new(Path.Combine(RepoPaths.NewTempDir(purpose), "run-7"), RepoPaths.Zoo);

    [Fact]
    public void The_data_holds_every_candidate_the_best_so_far_and_the_items_racing_saved()
    {
        var run = ZooRun("report-data");
        var data = ReportData.Collect(RunFolder.Locate(run.Folder));
        var candidates = data["candidates"]!.AsArray();
        Assert.Equal(RunFixture.Candidates.Length, candidates.Count);
        Assert.Equal(RunFixture.Candidates.Select(c => c.Id), candidates.Select(c => c!["id"]!.GetValue<long>()));

        // Best fully scored so far after each tell: 0.40 (#0), 0.55 (#1) from tell 1 on, 0.62 (#4) from tell 4 on;
        // raced-out, failed and served candidates never lead.
        var best = data["best"]!.AsArray().Select(b => (b!["seq"]!.GetValue<long>(), b["id"]!.GetValue<long>())).ToArray();
        Assert.Equal([(0L, 0L), (1, 1), (2, 1), (3, 1), (4, 4), (5, 4), (6, 4), (7, 4), (8, 4), (9, 4)], best);

        Assert.Equal(4, data["incumbent"]!["id"]!.GetValue<long>());
        Assert.Equal(0.62, data["incumbent"]!["fitness"]!.GetValue<double>());

        // 40 items per candidate; raced out after 12, 20 and 8 items: 28 + 20 + 32 saved.
        Assert.Equal(40, data["run"]!["itemsPerCandidate"]!.GetValue<int>());
        Assert.Equal("evaluated the budget of 10 candidates", data["run"]!["stopped"]!.GetValue<string>());
        Assert.Equal(80, candidates.Sum(c => c!["itemsSaved"]!.GetValue<int>()));

        var heldOut = data["heldOut"]!.AsArray();
        Assert.Equal([1, 2, 3], heldOut.Select(h => h!["rank"]!.GetValue<int>()));
        Assert.Equal([4L, 8, 7], heldOut.Select(h => h!["candidate"]!.GetValue<long>()));
        Assert.Equal(0.59, heldOut[1]!["heldOut"]!["estimate"]!.GetValue<double>());
        Assert.Null(heldOut[2]!["heldOut"]);

        var methods = data["methods"]!.AsArray().ToDictionary(m => m!["method"]!.GetValue<string>(), m => m!["candidates"]!.GetValue<int>());
        Assert.Equal(new Dictionary<string, int> { ["ties"] = 4, ["linear"] = 2, ["task_arithmetic"] = 2, ["dare_ties"] = 2 }, methods);
    }

    [Fact]
    public void The_winners_per_layer_maps_are_the_values_the_merge_applies()
    {
        var run = ZooRun("report-genes");
        var genes = ReportData.Collect(RunFolder.Locate(run.Folder))["genes"]!;
        Assert.Equal(4, genes["candidate"]!.GetValue<long>());
        var maps = genes["maps"]!.AsArray().ToDictionary(m => m!["parameter"]!.GetValue<string>());
        Assert.Equal(["density", "weight"], maps.Keys.Order());

        // weight: [0.2, 0.7] over 4 layers → 0.2 + 0.5 · l/3, the same for every module group of every model.
        var weight = maps["weight"]!;
        Assert.Equal(4, weight["layers"]!.GetValue<int>());
        var rows = weight["rows"]!.AsArray().Select(r => r!.GetValue<string>()).ToArray();
        Assert.Equal(["enc · attention", "enc · mlp", "enc · norm", "nines · attention", "nines · mlp", "nines · norm",
            "spell · attention", "spell · mlp", "spell · norm"], rows);
        foreach (var row in weight["values"]!.AsArray())
            for (var l = 0; l < 4; l++)
                Assert.Equal(0.2 + 0.5 * l / 3, row![l]!.GetValue<double>(), 12);

        // density: 0.7 where the tensor name contains "mlp", else 0.4.
        var density = maps["density"]!;
        var densityRows = density["rows"]!.AsArray().Select(r => r!.GetValue<string>()).ToArray();
        var values = density["values"]!.AsArray();
        for (var r = 0; r < densityRows.Length; r++)
            for (var l = 0; l < 4; l++)
                Assert.Equal(densityRows[r].EndsWith("mlp", StringComparison.Ordinal) ? 0.7 : 0.4, values[r]![l]!.GetValue<double>(), 12);
    }

    [Fact]
    public void The_page_is_one_file_with_the_data_and_the_chart_library_inlined_and_no_fetch_allowed()
    {
        var run = ZooRun("report-page");
        var path = RunReport.Write(run.Folder);
        Assert.Equal(Path.Combine(run.Folder, "report.html"), path);
        var html = File.ReadAllText(path);
        Assert.Contains("default-src 'none'", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("<link", html);
        Assert.Contains("Licensed to the Apache Software Foundation", html);
        var start = html.IndexOf("<script type=\"application/json\" id=\"report-data\">", StringComparison.Ordinal);
        var json = html[(html.IndexOf('>', start) + 1)..html.IndexOf("</script>", start, StringComparison.Ordinal)];
        Assert.Equal(RunFixture.Candidates.Length, JsonNode.Parse(json)!["candidates"]!.AsArray().Count);
    }

    [Fact]
    public void A_sweep_of_another_schema_or_damaged_is_a_located_error()
    {
        var run = ZooRun("report-bad-sweep");
        var sweep = Path.Combine(run.Folder, "sweep.json");
        File.WriteAllText(sweep, CompanionJson.Soup);
        var e = Assert.Throws<ReportException>(() => RunReport.Write(run.Folder));
        Assert.Equal(sweep, e.Location);
        Assert.Contains("schema is \"evolve.soup/1\", a report reads \"evolve.sweep/1\"", e.Message);

        File.WriteAllText(sweep, "{\n  \"schema\": \"evolve.sweep/1\",\n  oops\n}");
        Assert.Equal($"{sweep}:3", Assert.Throws<ReportException>(() => RunReport.Write(run.Folder)).Location);

        File.WriteAllText(sweep, CompanionJson.Sweep.Replace("\"peak\":", "\"peek\":"));
        Assert.Contains("a field the report needs is missing", Assert.Throws<ReportException>(() => RunReport.Write(run.Folder)).Message);

        File.Delete(sweep);
        var (code, _, err) = Cli("report", run.Folder, "--soup", Path.Combine(run.Folder, "nowhere"));
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {Path.Combine(run.Folder, "nowhere")}: no such file", err);
    }

    [Fact]
    public void The_sweep_and_soup_are_reduced_to_what_the_charts_draw()
    {
        var run = ZooRun("report-companions");
        File.WriteAllText(Path.Combine(run.Folder, "sweep.json"), CompanionJson.Sweep);
        File.WriteAllText(Path.Combine(run.Folder, "soup.json"), CompanionJson.Soup);
        var data = ReportData.Collect(RunFolder.Locate(run.Folder), Path.Combine(run.Folder, "sweep.json"), Path.Combine(run.Folder, "soup.json"));
        var sweep = data["sweep"]!;
        Assert.Equal(0.43, sweep["peak"]!.GetValue<double>());
        Assert.Equal((0.31, 0.58), (sweep["peakLow"]!.GetValue<double>(), sweep["peakHigh"]!.GetValue<double>()));
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1], sweep["points"]!.AsArray().Select(p => p!["x"]!.GetValue<double>()));
        var soup = data["soup"]!;
        Assert.Equal(0.41, soup["uniform"]!.GetValue<double>());
        Assert.Equal([true, true, false], soup["steps"]!.AsArray().Select(s => s!["kept"]!.GetValue<bool>()));
    }

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
