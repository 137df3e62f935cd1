using Evolve.Demo;
using Evolve.Search.Store;
using Xunit;

namespace Evolve.Tests.Demo;

/// <summary>`evolve demo` end to end on the zoo with a tiny budget: every step lands in the one run folder and each step reads what the one before wrote.</summary>
public sealed class DemoRunTests
{
    [Fact]
    public async Task DemoWritesSweepSearchSoupExportAndReportIntoOneRunFolder()
    {
        var runs = RepoPaths.NewTempDir("demo");
        var result = await DemoRun.RunAsync(new DemoRequest { Root = RepoPaths.Root, RunsFolder = runs, RunId = "d", Budget = 4 });

        Assert.Equal(Path.Combine(runs, "d"), result.RunFolder);
        Assert.Equal([0.0, 0.2, 0.4, 0.6, 0.8, 1.0], result.Sweep.Analysis.Points.Select(p => Math.Round(p.X, 10)));
        Assert.True(File.Exists(Path.Combine(result.RunFolder, "sweep.json")));

        using var store = RunStore.Open(Path.Combine(result.RunFolder, "run.db"));
        Assert.Equal(4, store.ReadCandidates().Count);
        // The search's seeds: the uniform average, Model Stock's point, then the sweep's chosen recipe (task
        // arithmetic, every weight gene at the chosen shared weight, to the genes' 4 decimals).
        var fromSweep = store.ReadCandidates()[2].Recipe;
        Assert.Contains("merge_method: task_arithmetic", fromSweep);
        var weights = System.Text.RegularExpressions.Regex.Matches(fromSweep, @"value: (-?[0-9.]+)")
            .Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.NotEmpty(weights);
        Assert.All(weights, w => Assert.Equal(result.Sweep.Analysis.Chosen, w, 1e-4));
        var winner = store.ReadHallOfFame()[0];
        Assert.Equal(winner, result.Search.Outcome.Incumbent!.Id);
        Assert.Equal(winner, result.Export.Candidate);
        Assert.EndsWith(store.ReadCandidate(winner)!.Recipe, File.ReadAllText(Path.Combine(result.RunFolder, "best", "rank-1.yaml")));
        Assert.Contains(store.ReadHeldOut(), h => h.Candidate == winner && h.HeldOut is not null);

        // The soup's ingredients are the zoo's three fine-tunes, each tried once.
        Assert.Equal(3, result.Soup.Ingredients.Count);
        Assert.True(File.Exists(Path.Combine(result.Export.MergedFolder!, "model.safetensors")));
        Assert.Equal(Path.Combine(result.RunFolder, "report.html"), result.Report);
        var html = File.ReadAllText(result.Report);
        Assert.Contains("\"sweep\":{\"parameter\":\"weight\",\"method\":\"task_arithmetic\"", html);
        Assert.Contains("\"soup\":{\"source\":\"checkpoints\"", html);
    }

    [Fact]
    public async Task ADemoNeverWritesIntoAnExistingFolder()
    {
        var runs = RepoPaths.NewTempDir("demo-exists");
        Directory.CreateDirectory(Path.Combine(runs, "d"));
        var e = await Assert.ThrowsAsync<DemoFolderExistsException>(() =>
            DemoRun.RunAsync(new DemoRequest { Root = RepoPaths.Root, RunsFolder = runs, RunId = "d", Budget = 4 }));
        Assert.Equal(Path.Combine(runs, "d"), e.Location);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(runs, "d")));
    }
}
