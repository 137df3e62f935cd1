using System.Text.Json.Nodes;
using Evolve.Checkpoints;
using Evolve.Cli;

namespace Evolve.Tests.Merging;

/// <summary>`evolve merge` end to end on tiny real safetensors folders.</summary>
public sealed class MergeCommandTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void FrankenmergeWritesAShardedFolderWithConfigTokenizerAndRecipe()
    {
        var root = RepoPaths.NewTempDir("merge-cli");
        TinyModels.Write(root, "base", 0, layers: 2);
        TinyModels.Write(root, "other", 1, layers: 2);
        var recipe = Path.Combine(root, "recipe.yaml");
        File.WriteAllText(recipe, """
            merge_method: passthrough
            slices:
              - sources:
                  - model: base
                    layer_range: [0, 2]
              - sources:
                  - model: other
                    layer_range: [1, 2]
            out_dtype: float16
            """);
        var output = Path.Combine(root, "merged");
        var (code, text, err) = Cli("merge", recipe, "--out", output, "--shard-size", "400B", "--threads", "2");
        Assert.True(code == 0, err);
        Assert.Contains("(3 layers)", text);
        Assert.True(File.Exists(Path.Combine(output, ShardIndex.FileName)));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "config.json")))!;
        Assert.Equal(3, config["num_hidden_layers"]!.GetValue<int>());
        Assert.Equal("float16", config["torch_dtype"]!.GetValue<string>());
        Assert.Contains("\"m0\"", File.ReadAllText(Path.Combine(output, "tokenizer.json")));
        Assert.Contains("merge_method: passthrough", File.ReadAllText(Path.Combine(output, "mergekit_config.yml")));
        Assert.Empty(Directory.GetDirectories(root, ".merged.partial*"));

        using var merged = HfModelFolder.Open(output);
        Assert.True(merged.IsSharded);
        var layer2 = new float[32];
        merged.Weights.ReadFloat32("model.layers.2.mlp.up_proj.weight", layer2);
        Assert.Equal(TinyModels.Values(1, "model.layers.1.mlp.up_proj.weight", 32), layer2);
        Assert.Equal(DType.F16, merged.Weights.Tensors[0].DType);
    }

    [Fact]
    public void AMissingModelIsOneLineWithExitCode2()
    {
        var root = RepoPaths.NewTempDir("merge-cli-missing");
        var recipe = Path.Combine(root, "recipe.yaml");
        File.WriteAllText(recipe, "merge_method: linear\nmodels:\n  - model: nowhere/model\n    parameters: {weight: 1}\n");
        var (code, _, err) = Cli("merge", recipe, "--out", Path.Combine(root, "out"));
        Assert.Equal(2, code);
        Assert.Contains("nowhere/model", err);
        Assert.Contains("is not a local folder", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void ANonEmptyOutputFolderIsRefused()
    {
        var root = RepoPaths.NewTempDir("merge-cli-exists");
        TinyModels.Write(root, "base", 0, layers: 1);
        var recipe = Path.Combine(root, "recipe.yaml");
        File.WriteAllText(recipe, "merge_method: linear\nmodels:\n  - model: base\n    parameters: {weight: 1}\n");
        var (code, _, err) = Cli("merge", recipe, "--out", root);
        Assert.Equal(2, code);
        Assert.Contains("the output folder exists and is not empty", err);
    }

    [Fact]
    public void ListMethodsPrintsTheDeclarations()
    {
        var (code, text, _) = Cli("merge", "--list-methods");
        Assert.Equal(0, code);
        Assert.Contains("ties  (base required; at least 1 other model(s))", text);
        Assert.Matches(@"normalize\s+global\s+boolean default true", text);
        Assert.Matches(@"epsilon\s+per model\s+number\s+default 0.15\s+valid \[0, 0.5\]", text);
        Assert.Equal(20, text.Split('\n').Count(l => l.Length > 0 && !l.StartsWith(' ')));
    }

    [Theory]
    [InlineData("--threads", "0", "--threads must be at least 1")]
    [InlineData("--shard-size", "lots", "is not a size")]
    public void BadOptionsExitWithCode2(string option, string value, string message)
    {
        var root = RepoPaths.NewTempDir("merge-cli-options");
        TinyModels.Write(root, "base", 0, layers: 1);
        var recipe = Path.Combine(root, "recipe.yaml");
        File.WriteAllText(recipe, "merge_method: linear\nmodels:\n  - model: base\n    parameters: {weight: 1}\n");
        var (code, _, err) = Cli("merge", recipe, "--out", Path.Combine(root, "out"), option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
    }

    [Fact]
    public void AMissingRecipeFileExitsWithCode2()
    {
        var (code, _, err) = Cli("merge", "/nonexistent/recipe.yaml", "--out", Path.Combine(RepoPaths.NewTempDir("merge-cli-norecipe"), "out"));
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/recipe.yaml: recipe file not found", err);
    }
}
