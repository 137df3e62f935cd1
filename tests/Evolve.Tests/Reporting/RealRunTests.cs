using System.Text.Json;
using Evolve.Export;
using Evolve.Onnx;
using Evolve.Proxy.Scoring;
using Evolve.Reporting;
using Evolve.Search;
using Evolve.Search.Evaluation;
using Evolve.Search.Space;
using Evolve.Search.Store;
using Evolve.Tests.Child;

namespace Evolve.Tests.Reporting;

/// <summary>
/// Export and report of a real (small) zoo search: the exported checkpoint, scored from disk like any model, gives
/// back the scores the run recorded for that candidate, and the run's report renders with every candidate drawn.
/// </summary>
public sealed class RealRunTests
{
    [Fact]
    public async Task The_exported_checkpoint_scores_what_the_run_recorded_and_the_report_draws_every_candidate()
    {
        var root = RepoPaths.NewTempDir("real-run");
        var spacePath = ZooSearch.WriteSpace(Path.Combine(root, "space"), RepoPaths.Zoo, RepoPaths.ProxySets);
        var result = await SearchRun.RunAsync(ZooSearch.Request(spacePath, Path.Combine(root, "runs"), "e2e", 8));
        var output = Path.Combine(root, "export");
        var export = RunExport.Run(result.RunFolder, output, new ExportOptions { Merge = true, Threads = 1 });

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")));
        var scores = manifest.RootElement.GetProperty("scores");
        Assert.True(manifest.RootElement.GetProperty("inputs").GetProperty("recorded_by_run").GetBoolean());
        using (var store = RunStore.Open(Path.Combine(result.RunFolder, "run.db")))
            Assert.Equal(store.ReadHallOfFame()[0], export.Candidate);

        var space = SearchSpace.Load(spacePath);
        ModelScores Score(bool heldOut) => ModelScoring.Run(new ModelScoringRequest([export.MergedFolder!], space.BaseModel, space.Onnx, space.Proxy,
            new ScoringOptions(), ScoringStrategy.WeightsAsInputs, OrtSessionSettings.Default with { IntraOpThreads = 1 }, heldOut))[0];
        Assert.Equal(scores.GetProperty("search").GetProperty("fitness").GetProperty("estimate").GetDouble(), Score(heldOut: false).Fitness.Estimate, 12);
        Assert.Equal(scores.GetProperty("heldout").GetProperty("fitness").GetProperty("estimate").GetDouble(), Score(heldOut: true).Fitness.Estimate, 12);

        var report = RunReport.Write(result.RunFolder);
        if (HeadlessChromium.Executable is null)
            return;
        using var rendered = HeadlessChromium.Check(report);
        var r = rendered.RootElement;
        Assert.Empty(r.GetProperty("pageErrors").EnumerateArray());
        Assert.Empty(r.GetProperty("consoleMessages").EnumerateArray());
        var fitness = r.GetProperty("charts").GetProperty("fitness").GetProperty("series").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("points").GetInt32());
        Assert.Equal(result.Outcome.CandidatesTold, fitness["scored"] + fitness["raced out"] + fitness["failed"]);
        Assert.Equal(result.HeldOut.Count(h => h.HeldOut is not null),
            r.GetProperty("charts").GetProperty("heldout").GetProperty("series").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "held-out").GetProperty("points").GetInt32());
    }
}
