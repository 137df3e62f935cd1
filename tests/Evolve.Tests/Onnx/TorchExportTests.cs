using System.Text.Json;
using Evolve.Checkpoints;
using Evolve.Onnx;

namespace Evolve.Tests.Onnx;

/// <summary>
/// A torch.onnx export (constant folding) of a tiny HF-named Llama: the binding recovers renamed, transposed and
/// deduplicated weights by content, and both strategies reproduce torch's own logits for base and fine-tune.
/// </summary>
public class TorchExportTests
{
    private static readonly string Folder = Path.Combine(RepoPaths.Fixtures, "onnx", "torch-tiny-llama");
    private static readonly OrtSessionSettings Settings = OrtSessionSettings.Default with { IntraOpThreads = 1 };

    [Fact]
    public void Binding_recovers_renamed_transposed_and_deduplicated_weights()
    {
        var graph = OnnxModel.Load(Path.Combine(Folder, "model.onnx"));
        using var hf = SafetensorsFile.Open(Path.Combine(Folder, "base.safetensors"));
        var binding = WeightBinding.Create(graph, hf);

        Assert.Equal(21, binding.Mappings.Count);
        Assert.Empty(binding.UnmappedCheckpointTensors);
        Assert.Empty(binding.UnmappedInitializers);
        Assert.Equal(20, binding.BoundInitializers.Count);
        var shared = Assert.Single(binding.SharedInitializers);
        Assert.Equal("model.layers.0.input_layernorm.weight", shared.Key);
        Assert.Equal(["model.layers.0.input_layernorm.weight", "model.layers.1.input_layernorm.weight"], shared.Select(m => m.CheckpointName));
        Assert.Equal(["graph model.layers.0.input_layernorm.weight: stored once for model.layers.0.input_layernorm.weight, model.layers.1.input_layernorm.weight; model.layers.0.input_layernorm.weight supplies it"],
            binding.Exceptions());

        var linear = binding.Mappings.Where(m => m.CheckpointName.EndsWith("proj.weight") || m.CheckpointName == "lm_head.weight").ToArray();
        Assert.Equal(15, linear.Length);
        Assert.All(linear, m => Assert.StartsWith("onnx::MatMul_", m.Initializer.Name));
        Assert.All(linear, m => Assert.Equal((WeightMatch.Content, true, true), (m.Match, m.Transposed, m.ContentVerified)));
        Assert.Equal(15, linear.Select(m => m.Initializer.Name).Distinct().Count());
    }

    [Fact]
    public void Both_strategies_reproduce_torchs_logits_for_base_and_fine_tune()
    {
        var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "reference.json"))).RootElement;
        var tokens = reference.GetProperty("tokens").EnumerateArray().Select(r => r.EnumerateArray().Select(t => t.GetInt64()).ToArray()).ToArray();
        var torchBase = reference.GetProperty("base_logits").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var torchTuned = reference.GetProperty("finetune_logits").EnumerateArray().Select(v => v.GetSingle()).ToArray();

        var graph = OnnxModel.Load(Path.Combine(Folder, "model.onnx"));
        using var baseHf = SafetensorsFile.Open(Path.Combine(Folder, "base.safetensors"));
        using var tunedHf = SafetensorsFile.Open(Path.Combine(Folder, "finetune.safetensors"));
        var binding = WeightBinding.Create(graph, baseHf);
        using var baseWeights = binding.Convert(baseHf);
        using var tunedWeights = binding.Convert(tunedHf);

        float[] original;
        using (var session = OrtSession.FromFile(graph.Path, Settings))
            original = OrtBindingTests.RunLogits(session, tokens, out _);
        AssertClose(torchBase, original, 2e-5f, "the exported graph vs torch");

        using var asInputs = ScoringSession.Create(binding, ScoringStrategy.WeightsAsInputs, Settings);
        using var perSet = ScoringSession.Create(binding, ScoringStrategy.SessionPerWeightSet, Settings);
        Assert.Equal(["input_ids"], asInputs.Inputs.Select(i => i.Name));
        Assert.False(asInputs.TakesPastKeyValues);
        var tunedA = Score(asInputs, tunedWeights, tokens);
        var tunedB = Score(perSet, tunedWeights, tokens);
        AssertClose(torchTuned, tunedA, 2e-5f, "fine-tune, weights as inputs vs torch");
        AssertClose(torchTuned, tunedB, 2e-5f, "fine-tune, session per set vs torch");
        AssertClose(tunedA, tunedB, 1e-5f, "fine-tune, the two strategies");
        AssertClose(torchBase, Score(asInputs, baseWeights, tokens), 2e-5f, "base, weights as inputs vs torch");
        AssertClose(torchBase, Score(perSet, baseWeights, tokens), 2e-5f, "base, session per set vs torch");
        Assert.True(torchBase.Zip(tunedA, (a, b) => Math.Abs(a - b)).Max() > 0.05f);
    }

    private static float[] Score(ScoringSession scoring, GraphWeights weights, long[][] tokens)
    {
        var inputs = DecoderInputs.ForTokens(scoring.Inputs, tokens);
        try
        {
            return scoring.Run(weights, inputs).Values;
        }
        finally
        {
            foreach (var t in inputs) t.Dispose();
        }
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0f;
        for (var i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= tolerance, $"{what}: max |difference| {worst} > {tolerance}");
    }
}
