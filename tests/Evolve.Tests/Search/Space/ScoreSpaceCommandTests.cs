using System.Text.Json;
using Evolve.Cli;

namespace Evolve.Tests.Search.Space;

/// <summary>`evolve score --space`: graph, base, proxy block and default models come from the space; numbers from the zoo's torch reference.</summary>
public sealed class ScoreSpaceCommandTests
{
    private static readonly string ZooSpace = Path.Combine(RepoPaths.Root, "search-spaces", "zoo.yaml");

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The torch reference's mean answer log-likelihood of a zoo model on a proxy file.</summary>
    private static double ReferenceLogLikelihood(JsonElement reference, string model, string file) =>
        reference.GetProperty("models").GetProperty($"zoo/{model}").GetProperty("files").GetProperty(file).GetProperty("mean_loglik").GetDouble();

    [Fact]
    public void The_spaces_models_score_its_proxy_sets_as_the_torch_reference_does()
    {
        var (code, output, error) = Cli("score", "--space", ZooSpace, "--json", "--batch-size", "32");
        Assert.True(code == 0, error);
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Zoo, "reference-scores.json")));
        using var json = JsonDocument.Parse(output);
        var models = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["nines", "enc", "spell"], models.Select(m => Path.GetFileName(m.GetProperty("model").GetString())));
        foreach (var model in models)
        {
            var name = Path.GetFileName(model.GetProperty("model").GetString())!;
            var tasks = model.GetProperty("tasks").EnumerateArray().ToList();
            Assert.Equal(["enc", "nines", "spell", "upper"], tasks.Select(t => t.GetProperty("task").GetString()).Order());
            foreach (var task in tasks)
            {
                var taskName = task.GetProperty("task").GetString()!;
                Assert.Equal("log_likelihood", task.GetProperty("metric").GetString());
                Assert.Equal(100, task.GetProperty("n").GetInt32());
                var expected = ReferenceLogLikelihood(reference.RootElement, name, $"proxy-sets/zoo/{taskName}.jsonl");
                Assert.Equal(expected, task.GetProperty("score").GetProperty("estimate").GetDouble(), 4);
            }
        }
    }

    [Fact]
    public void A_named_model_replaces_the_default_list_and_heldout_scores_the_spaces_heldout_files()
    {
        var (code, output, error) = Cli("score", "--space", ZooSpace, Path.Combine(RepoPaths.Zoo, "base"), "--heldout", "--json");
        Assert.True(code == 0, error);
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Zoo, "reference-scores.json")));
        using var json = JsonDocument.Parse(output);
        var model = Assert.Single(json.RootElement.EnumerateArray());
        foreach (var task in model.GetProperty("tasks").EnumerateArray())
        {
            var file = $"proxy-sets/zoo/heldout/{task.GetProperty("task").GetString()}.jsonl";
            Assert.Equal(ReferenceLogLikelihood(reference.RootElement, "base", file), task.GetProperty("score").GetProperty("estimate").GetDouble(), 4);
        }
    }

    [Fact]
    public void A_graph_option_beside_space_is_a_usage_error()
    {
        var (code, _, error) = Cli("score", "--space", ZooSpace, "--onnx", "other.onnx");
        Assert.Equal(2, code);
        Assert.Contains("option --onnx: --space gives the graph, base and proxy sets, so --onnx cannot be given with it", error);
    }

    [Fact]
    public void A_bad_space_is_one_located_line_with_exit_code_2()
    {
        var path = SpaceFiles.TwoModels(t => t.Replace("methods: [task_arithmetic, ties]", "methods: [task_arithmetic, tie]"));
        var (code, _, error) = Cli("score", "--space", path);
        Assert.Equal(2, code);
        Assert.Contains($"{path}:", error);
        Assert.Contains("unknown merge method 'tie'", error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
