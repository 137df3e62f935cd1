using System.Text.Json;
using Evolve.Checkpoints;
using Evolve.Cli;

namespace Evolve.Tests.Checkpoints;

public class ModelComparisonTests
{
    private readonly string _dir = RepoPaths.NewTempDir("inspect");

    /// <summary>
    /// Three models: the reference; one lacking model.norm.weight and adding model.layers.1.extra.bias; one whose
    /// layer-1 q_proj is [4, 8] instead of [4, 4].
    /// </summary>
    private (string Reference, string MissingAndExtra, string Reshaped) ThreeModels()
    {
        var reference = SyntheticModels.Mixed();
        var a = Path.Combine(_dir, "a");
        var b = Path.Combine(_dir, "b");
        var c = Path.Combine(_dir, "c");
        CheckpointWriter.WriteFolder(a, reference);
        CheckpointWriter.WriteFolder(b, reference.Where(t => t.Info.Name != "model.norm.weight")
            .Append(SyntheticModels.Float32("model.layers.1.extra.bias", [4], 0)).ToArray());
        CheckpointWriter.WriteFolder(c, reference.Where(t => t.Info.Name != "model.layers.1.self_attn.q_proj.weight")
            .Append(SyntheticModels.BFloat16("model.layers.1.self_attn.q_proj.weight", [4, 8], 0x3F80)).ToArray());
        return (a, b, c);
    }

    [Fact]
    public void ComparisonReportsExactlyTheMissingExtraAndReshapedTensors()
    {
        var (a, b, c) = ThreeModels();
        using var ma = HfModelFolder.Open(a);
        using var mb = HfModelFolder.Open(b);
        using var mc = HfModelFolder.Open(c);
        var comparison = ModelComparison.Compare([("a", ma.Weights.Tensors), ("b", mb.Weights.Tensors), ("c", mc.Weights.Tensors)]);

        Assert.Equal("a", comparison.ReferenceLabel);
        Assert.False(comparison.AllMatch);
        var onB = Assert.Single(comparison.Others, o => o.Label == "b").Differences;
        Assert.Equal(
            [("model.layers.1.extra.bias", TensorDifferenceKind.Extra), ("model.norm.weight", TensorDifferenceKind.Missing)],
            onB.Select(d => (d.Name, d.Kind)));
        Assert.Null(onB[0].Reference);
        Assert.Null(onB[1].Other);

        var onC = Assert.Single(Assert.Single(comparison.Others, o => o.Label == "c").Differences);
        Assert.Equal(("model.layers.1.self_attn.q_proj.weight", TensorDifferenceKind.ShapeDiffers), (onC.Name, onC.Kind));
        Assert.Equal([4L, 4L], onC.Reference!.Shape);
        Assert.Equal([4L, 8L], onC.Other!.Shape);
    }

    [Fact]
    public void SameShapeInAnotherDtypeIsADtypeDifferenceAndIdenticalModelsMatch()
    {
        TensorInfo[] reference = [new("w", DType.BF16, [2, 2]), new("b", DType.F32, [2])];
        TensorInfo[] asF32 = [new("w", DType.F32, [2, 2]), new("b", DType.F32, [2])];
        var comparison = ModelComparison.Compare([("r", reference), ("f32", asF32), ("same", reference)]);
        var difference = Assert.Single(comparison.Others[0].Differences);
        Assert.Equal(("w", TensorDifferenceKind.DTypeDiffers), (difference.Name, difference.Kind));
        Assert.True(comparison.Others[1].Matches);
    }

    [Fact]
    public void InspectPrintsTheTableAndTheDifferences()
    {
        var (a, b, c) = ThreeModels();
        var output = new StringWriter();
        var code = CliApp.Run(["inspect", a, b, c], output, new StringWriter());
        Assert.Equal(0, code);
        var lines = output.ToString().Split('\n');
        Assert.Contains(lines, l => l == a + "  (1 file, 8 tensors, 133 parameters, 344 B, F32 + F16 + BF16 + I64, 2 layers)");
        Assert.Contains("  model.layers.1.self_attn.q_proj.weight  BF16   [4, 4]  1", lines);
        Assert.Contains("  model.position_ids                      I64    [5]     -", lines);
        Assert.Contains($"  {b}: 1 missing, 1 extra, 0 shaped differently, 0 in another dtype", lines);
        Assert.Contains($"  {c}: 0 missing, 0 extra, 1 shaped differently, 0 in another dtype", lines);
        Assert.Contains(lines, l => l.StartsWith("    shape  model.layers.1.self_attn.q_proj.weight  BF16 [4, 4]") && l.EndsWith("BF16 [4, 8]"));
        // Natural order: embeddings before layer 0 before layer 1.
        var first = Array.FindIndex(lines, l => l.Contains("model.embed_tokens.weight"));
        var layer0 = Array.FindIndex(lines, l => l.Contains("model.layers.0.mlp.up_proj.weight"));
        var layer1 = Array.FindIndex(lines, l => l.Contains("model.layers.1.input_layernorm.weight"));
        Assert.True(first < layer0 && layer0 < layer1);
    }

    [Fact]
    public void InspectJsonListsTensorsAndDifferences()
    {
        var (a, b, c) = ThreeModels();
        var output = new StringWriter();
        Assert.Equal(0, CliApp.Run(["inspect", a, b, c, "--json"], output, new StringWriter()));
        using var json = JsonDocument.Parse(output.ToString());
        var models = json.RootElement.GetProperty("models");
        Assert.Equal(3, models.GetArrayLength());
        var tensors = models[0].GetProperty("tensors").EnumerateArray().ToArray();
        Assert.Equal(8, tensors.Length);
        var q = tensors.Single(t => t.GetProperty("name").GetString() == "model.layers.1.self_attn.q_proj.weight");
        Assert.Equal("BF16", q.GetProperty("dtype").GetString());
        Assert.Equal(1, q.GetProperty("layer").GetInt32());
        var differences = json.RootElement.GetProperty("differences");
        Assert.Equal(["model.norm.weight"], differences[0].GetProperty("missing").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["model.layers.1.extra.bias"], differences[0].GetProperty("extra").EnumerateArray().Select(e => e.GetString()));
        var reshaped = Assert.Single(differences[1].GetProperty("shape_differs").EnumerateArray());
        Assert.Equal(8, reshaped.GetProperty("other").GetProperty("shape")[1].GetInt64());
    }

    [Fact]
    public void InspectOfAPickleFolderExitsWithCodeTwoAndOneLine()
    {
        var folder = Path.Combine(_dir, "pickle");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "pytorch_model.bin"), [0x80]);
        var error = new StringWriter();
        Assert.Equal(CliApp.BadInput, CliApp.Run(["inspect", folder], new StringWriter(), error));
        Assert.Single(error.ToString().TrimEnd('\n').Split('\n'));
        Assert.Contains("pickle", error.ToString());
    }

    [Theory]
    [InlineData("model.layers.2.x", "model.layers.10.x")]
    [InlineData("a.9", "a.10")]
    [InlineData("a.01", "a.1")]
    [InlineData("lm_head.weight", "model.embed_tokens.weight")]
    public void NaturalOrderComparesDigitRunsAsNumbers(string before, string after)
    {
        Assert.True(NaturalNameComparer.Instance.Compare(before, after) < 0);
        Assert.True(NaturalNameComparer.Instance.Compare(after, before) > 0);
    }
}
