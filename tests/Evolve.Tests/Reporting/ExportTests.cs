using System.Diagnostics;
using System.Text.Json;
using Evolve.Cli;
using Evolve.Export;
using Evolve.Merging.Recipes;
using Evolve.Search.Store;

namespace Evolve.Tests.Reporting;

/// <summary>`evolve export` on runs written through the run store with real zoo recipes.</summary>
public sealed class ExportTests
{
    private static RunFixture ZooRun(string purpose, bool recordInputs = true) =>
        new(Path.Combine(RepoPaths.NewTempDir(purpose), "run-1"), RepoPaths.Zoo, recordInputs);

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>sha256sum's answer, an implementation independent of .NET's.</summary>
    private static string Sha256Sum(string file)
    {
        using var p = Process.Start(new ProcessStartInfo("sha256sum", [file]) { RedirectStandardOutput = true })!;
        var line = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return line.Split(' ')[0];
    }

    [Fact]
    public void The_winner_is_exported_as_mergekit_yaml_native_json_and_a_manifest_of_hashes_seed_and_scores()
    {
        var run = ZooRun("export");
        var output = Path.Combine(RepoPaths.NewTempDir("export-out"), "winner");
        var (code, text, err) = Cli("export", run.Folder, "--out", output);
        Assert.True(code == 0, err);
        Assert.Contains("rank 1 (candidate 4)", text);

        var stored = RecipeYaml.Parse(run.Recipe("ties", 4));
        var yaml = File.ReadAllText(Path.Combine(output, "recipe.yaml"));
        Assert.Equal(stored, RecipeYaml.Parse(yaml));
        Assert.Empty(MergekitSchema.Violations(yaml));
        Assert.Equal(stored, RecipeJson.Read(File.ReadAllText(Path.Combine(output, "recipe.json")), "recipe.json"));

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")));
        var m = manifest.RootElement;
        Assert.Equal("evolve-export/1", m.GetProperty("format").GetString());
        Assert.Equal(RunFixture.Seed, m.GetProperty("run").GetProperty("seed").GetUInt64());
        Assert.Equal("ga", m.GetProperty("run").GetProperty("optimizer").GetString());
        Assert.Equal(4, m.GetProperty("candidate").GetProperty("id").GetInt64());
        Assert.Equal(RecipeHash.Of(run.Recipe("ties", 4)), m.GetProperty("candidate").GetProperty("recipe_sha256").GetString());

        var files = m.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString());
        Assert.Equal(Sha256Sum(Path.Combine(output, "recipe.yaml")), files["recipe.yaml"]);
        Assert.Equal(Sha256Sum(Path.Combine(output, "recipe.json")), files["recipe.json"]);

        var inputs = m.GetProperty("inputs");
        Assert.True(inputs.GetProperty("recorded_by_run").GetBoolean());
        var byPath = inputs.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!);
        foreach (var name in RunFixture.ModelNames)
            foreach (var file in new[] { "model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json" })
            {
                var path = Path.Combine(RepoPaths.Zoo, name, file);
                Assert.Equal(Sha256Sum(path), byPath[path].GetProperty("sha256").GetString());
                Assert.Equal(new FileInfo(path).Length, byPath[path].GetProperty("bytes").GetInt64());
            }

        var search = m.GetProperty("scores").GetProperty("search");
        Assert.Equal(0.62, search.GetProperty("fitness").GetProperty("estimate").GetDouble());
        Assert.Equal(0.52, search.GetProperty("fitness").GetProperty("low").GetDouble());
        Assert.Equal(0.72, search.GetProperty("fitness").GetProperty("high").GetDouble());
        // Candidate 4's 40 items: k even → enc, odd → nines; item k scores 1 unless (k + 4) % 3 == 0.
        // enc: k = 0, 2, …, 38 (20 items), zero at k = 2, 8, 14, 20, 26, 32, 38 → 13/20; nines: k = 1 … 39, zero at 5, 11, 17, 23, 29, 35 → 14/20.
        var tasks = search.GetProperty("tasks").EnumerateArray().ToArray();
        Assert.Equal(["enc", "nines"], tasks.Select(t => t.GetProperty("task").GetString()));
        Assert.Equal(13 / 20.0, tasks[0].GetProperty("mean").GetDouble(), 12);
        Assert.Equal(14 / 20.0, tasks[1].GetProperty("mean").GetDouble(), 12);
        var heldOut = m.GetProperty("scores").GetProperty("heldout");
        Assert.Equal(0.57, heldOut.GetProperty("fitness").GetProperty("estimate").GetDouble());
        Assert.Equal(0.47, heldOut.GetProperty("fitness").GetProperty("low").GetDouble());
        Assert.Equal(0.67, heldOut.GetProperty("fitness").GetProperty("high").GetDouble());
        // Held-out item k of candidate 4 scores 1 when k is even: 5 of 10.
        Assert.Equal(0.5, heldOut.GetProperty("tasks")[0].GetProperty("mean").GetDouble());
        Assert.Equal(0.62 - 0.57, m.GetProperty("scores").GetProperty("gap").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, m.GetProperty("merged").ValueKind);
    }

    [Fact]
    public void Exporting_the_same_run_twice_with_the_merge_gives_byte_identical_files()
    {
        var run = ZooRun("export-twice");
        var first = Path.Combine(RepoPaths.NewTempDir("export-a"), "out");
        var second = Path.Combine(RepoPaths.NewTempDir("export-b"), "out");
        RunExport.Run(run.Folder, first, new ExportOptions { Rank = 2, Merge = true, Threads = 2 });
        RunExport.Run(run.Folder, second, new ExportOptions { Rank = 2, Merge = true, Threads = 1 });

        static string[] Files(string root) => Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToArray();
        var names = Files(first);
        Assert.Equal(names, Files(second));
        Assert.Contains("manifest.json", names);
        Assert.Contains(Path.Combine("model", "model.safetensors"), names);
        Assert.Contains(Path.Combine("model", "config.json"), names);
        foreach (var name in names)
            Assert.True(File.ReadAllBytes(Path.Combine(first, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(second, name))), $"{name} differs");

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(first, "manifest.json")));
        Assert.Equal(8, manifest.RootElement.GetProperty("candidate").GetProperty("id").GetInt64());
        var merged = manifest.RootElement.GetProperty("merged").GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString());
        Assert.Equal(Sha256Sum(Path.Combine(first, "model", "model.safetensors")), merged["model.safetensors"]);
    }

    [Fact]
    public void A_rank_beyond_the_hall_of_fame_is_refused_with_the_ranks_there_are()
    {
        var run = ZooRun("export-rank");
        var e = Assert.Throws<ExportException>(() => RunExport.Run(run.Folder, RepoPaths.NewTempDir("export-rank-out"), new ExportOptions { Rank = 4 }));
        Assert.Equal(Path.Combine(run.Folder, "run.db"), e.Location);
        Assert.Contains("rank 4 asked, the hall of fame holds ranks 1 to 3", e.Message);
        Assert.Contains("--rank between 1 and 3", e.Message);
    }

    [Fact]
    public void A_missing_run_is_a_located_error_with_exit_code_2()
    {
        var missing = Path.Combine(RepoPaths.NewTempDir("export-missing"), "run-404");
        var (code, _, err) = Cli("export", missing, "--out", Path.Combine(missing, "out"));
        Assert.Equal(2, code);
        Assert.Equal($"error: {missing}: no such run folder. give runs/<id> of an earlier `evolve search`", err.Trim());

        var empty = RepoPaths.NewTempDir("export-empty");
        var e = Assert.Throws<RunStoreException>(() => RunExport.Run(empty, Path.Combine(empty, "out"), new ExportOptions()));
        Assert.Contains("no run.db in this folder", e.Message);
    }

    [Fact]
    public void An_input_changed_since_the_run_stops_the_export_and_is_named()
    {
        var zoo = RunFixture.CopyZoo("export-changed");
        var run = new RunFixture(Path.Combine(zoo, "runs", "r"), zoo);
        var changed = Path.Combine(zoo, "nines", "model.safetensors");
        using (var stream = File.Open(changed, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Seek(-1, SeekOrigin.End);
            var last = stream.ReadByte();
            stream.Seek(-1, SeekOrigin.End);
            stream.WriteByte((byte)(last ^ 1));
        }
        var output = Path.Combine(zoo, "out");
        var e = Assert.Throws<ExportException>(() => RunExport.Run(run.Folder, output, new ExportOptions()));
        Assert.Equal(changed, e.Location);
        Assert.Contains("this model file changed since the run", e.Message);
        Assert.False(Directory.Exists(output));

        File.Delete(changed);
        var gone = Assert.Throws<ExportException>(() => RunExport.Run(run.Folder, output, new ExportOptions()));
        Assert.Equal(changed, gone.Location);
        Assert.Contains("missing", gone.Message);
    }

    [Fact]
    public void A_run_without_recorded_inputs_is_exported_with_the_recipe_models_hashed_and_says_so()
    {
        var run = ZooRun("export-unrecorded", recordInputs: false);
        var output = Path.Combine(RepoPaths.NewTempDir("export-unrecorded-out"), "o");
        RunExport.Run(run.Folder, output, new ExportOptions());
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")));
        var inputs = manifest.RootElement.GetProperty("inputs");
        Assert.False(inputs.GetProperty("recorded_by_run").GetBoolean());
        var owners = inputs.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("owner").GetString()).Distinct().ToArray();
        // The winner (ties) names the base and the three specialists.
        Assert.Equal(RunFixture.ModelNames.Select(run.Model), owners);
    }

    [Fact]
    public void A_recipe_mergekit_would_refuse_is_not_exported()
    {
        var zoo = RepoPaths.Zoo;
        // Evolve reads a slice source without layer_range as "every layer"; mergekit's schema requires the range.
        var frankenmerge = $"merge_method: passthrough\nslices:\n  - sources:\n      - model: {Path.Combine(zoo, "base")}\n";
        var run = new RunFixture(Path.Combine(RepoPaths.NewTempDir("export-schema"), "r"), zoo, recipeOverride: _ => frankenmerge);
        var e = Assert.Throws<ExportException>(() => RunExport.Run(run.Folder, RepoPaths.NewTempDir("export-schema-out"), new ExportOptions()));
        Assert.Contains("not valid for mergekit: slices[0].sources[0].layer_range: mergekit requires [start, end] with two integers", e.Message);
    }

    [Fact]
    public void A_merge_that_fails_leaves_no_output_folder_behind()
    {
        var zoo = RunFixture.CopyZoo("export-failing-merge");
        var run = new RunFixture(Path.Combine(zoo, "runs", "r"), zoo, recordInputs: false);
        var damaged = Path.Combine(zoo, "nines", "model.safetensors");
        using (var stream = File.Open(damaged, FileMode.Open, FileAccess.ReadWrite))
            stream.SetLength(100);
        var parent = RepoPaths.NewTempDir("export-failing-merge-out");
        var output = Path.Combine(parent, "out");
        var e = Assert.ThrowsAny<Evolve.Errors.EvolveInputException>(() => RunExport.Run(run.Folder, output, new ExportOptions { Merge = true }));
        Assert.Contains("model.safetensors", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(parent));
    }
}
