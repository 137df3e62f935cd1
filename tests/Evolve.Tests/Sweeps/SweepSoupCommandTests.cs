using System.Text.Json;
using Evolve.Cli;
using Evolve.Tests.Onnx;

namespace Evolve.Tests.Sweeps;

/// <summary>`evolve sweep` and `evolve soup` from a search space on the zoo: exit codes, one-line errors, the printed result.</summary>
public class SweepSoupCommandTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A space over the zoo's three specialists scored on 5 search and 5 held-out items per task.</summary>
    private static string Space(string folder)
    {
        ZooProxySubset.Create(folder, 5);
        string Zoo(string name) => Path.Combine(RepoPaths.Zoo, name).Replace('\\', '/');
        var path = Path.Combine(folder, "space.yaml");
        File.WriteAllText(path, $"""
            base: {Zoo("base")}
            models: [{Zoo("nines")}, {Zoo("enc")}, {Zoo("spell")}]
            onnx: {Zoo("onnx/base.onnx")}
            proxy:
              files: [search/enc.jsonl, search/nines.jsonl, search/spell.jsonl, search/upper.jsonl]
              heldout_files: [heldout/enc.jsonl, heldout/nines.jsonl, heldout/spell.jsonl, heldout/upper.jsonl]
              defaults: {"{"}metric: log_likelihood{"}"}
            dtype: float32
            methods: [task_arithmetic]
            genes:
              weight: {"{"}{"}"}
            """);
        return path;
    }

    [ZooFact]
    public void Sweep_prints_the_fit_and_plot_and_json_gives_sweep_json()
    {
        var folder = RepoPaths.NewTempDir("sweep-cli");
        var space = Space(folder);
        var (code, text, err) = Cli("sweep", space, "--grid", "0:1:0.5", "--out", Path.Combine(folder, "a"), "--resamples", "100", "--threads", "1");
        Assert.True(code == 0, err);
        Assert.Contains("task_arithmetic sweep over weight on the search split (20 items):", text);
        Assert.Contains("o fitness  | 95% CI  . quadratic fit", text);
        Assert.True(text.Contains("t* = ") || text.Contains("no t*: "), text);

        (code, text, err) = Cli("sweep", space, "--models", "nines", "base", "--method", "linear", "--grid", "0,0.5,1", "--out", Path.Combine(folder, "b"), "--json", "--resamples", "100");
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(text);
        Assert.Equal("linear", json.RootElement.GetProperty("method").GetString());
        Assert.Equal("t", json.RootElement.GetProperty("parameter").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("points").GetArrayLength());
    }

    [ZooFact]
    public void Soup_prints_each_step_and_the_uniform_baseline()
    {
        var folder = RepoPaths.NewTempDir("soup-cli");
        var (code, text, err) = Cli("soup", Space(folder), "--out", Path.Combine(folder, "soup"), "--threads", "1");
        Assert.True(code == 0, err);
        Assert.Contains("Greedy soup of 3 checkpoints, held-out fitness [95% CI]:", text);
        Assert.Contains("uniform soup ", text);
        Assert.Contains("(baseline)", text);
        Assert.Equal(3, text.Split('\n').Count(l => l.TrimEnd().EndsWith("yes", StringComparison.Ordinal) || l.TrimEnd().EndsWith("no (drops)", StringComparison.Ordinal)));
    }

    [ZooFact]
    public void Bad_input_exits_2_with_one_line()
    {
        var folder = RepoPaths.NewTempDir("sweep-cli-errors");
        var space = Space(folder);
        foreach (var (args, message) in new[]
        {
            (new[] { "sweep", space, "--grid", "0,1" }, "option --grid: '0,1' gives 2 value(s); a quadratic fit needs at least 3"),
            (["sweep", space, "--method", "slerp"], "option --models: slerp with t interpolates two models; 3 are selected"),
            (["sweep", space, "--models", "zeta", "nines"], "option --models: 'zeta' is not a model of"),
            (["sweep", space, "--param", "gamma"], "option --param: task_arithmetic has no numeric parameter 'gamma'"),
            (["soup", space, "--from-run", Path.Combine(folder, "nowhere"), "--out", Path.Combine(folder, "s")], "no run database here"),
        })
        {
            var (code, _, err) = Cli(args);
            Assert.True(code == 2, $"{string.Join(" ", args)} gave {code}: {err}");
            Assert.Contains(message, err);
            Assert.Single(err.Trim().Split('\n'));
        }
    }
}
