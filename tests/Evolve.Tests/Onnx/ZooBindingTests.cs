using System.Text.Json;
using Evolve.Checkpoints;
using Evolve.Onnx;

namespace Evolve.Tests.Onnx;

/// <summary>The binding and both scoring strategies on the zoo's torch.onnx export (constant folding renames linear weights to onnx::MatMul_N, transposed).</summary>
public class ZooBindingTests
{
    private static readonly OrtSessionSettings Settings = OrtSessionSettings.Default with { IntraOpThreads = 1 };

    [ZooFact]
    public void Every_base_tensor_reaches_the_graph_and_renamed_linear_weights_bind_transposed_by_content()
    {
        var graph = OnnxModel.Load(ZooFactAttribute.Model);
        using var folder = HfModelFolder.Open(ZooFactAttribute.Base);
        var binding = WeightBinding.Create(graph, folder.Weights);

        Assert.Empty(binding.UnmappedCheckpointTensors);
        Assert.All(binding.Mappings, m => Assert.True(m.ContentVerified, m.ToString()));
        var renamed = binding.Mappings.Where(m => m.Initializer.Name.StartsWith("onnx::MatMul_", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(renamed);
        Assert.All(renamed, m => Assert.Equal((WeightMatch.Content, true), (m.Match, m.Transposed)));
        Assert.All(binding.Mappings.Where(m => m.CheckpointName.EndsWith("_proj.weight", StringComparison.Ordinal)),
            m => Assert.Equal(m.CheckpointShape[0], m.Initializer.Dims[^1]));
        // whatever floating-point initializer stays unbound is no checkpoint weight: nothing of a linear layer's shape
        var linearShapes = folder.Weights.Tensors.Where(t => t.Shape.Length == 2).Select(t => t.ElementCount).ToHashSet();
        Assert.DoesNotContain(binding.UnmappedInitializers, i => i.Dims.Length == 2 && linearShapes.Contains(i.ElementCount));
    }

    [ZooFact]
    public void Base_and_fine_tune_score_alike_through_both_strategies()
    {
        var graph = OnnxModel.Load(ZooFactAttribute.Model);
        using var folder = HfModelFolder.Open(ZooFactAttribute.Base);
        var binding = WeightBinding.Create(graph, folder.Weights);
        var tunedPath = Path.Combine(RepoPaths.NewTempDir("zoo-tuned"), "model.safetensors");
        LlamaCheckpoints.WritePerturbed(folder.Weights, tunedPath);
        using var tuned = SafetensorsFile.Open(tunedPath);
        using var baseWeights = binding.Convert(folder.Weights);
        using var tunedWeights = binding.Convert(tuned);

        float[] original;
        using (var session = OrtSession.FromFile(graph.Path, Settings))
            original = OrtBindingTests.RunLogits(session, ZooTokens, out _);
        using var asInputs = ScoringSession.Create(binding, ScoringStrategy.WeightsAsInputs, Settings);
        using var perSet = ScoringSession.Create(binding, ScoringStrategy.SessionPerWeightSet, Settings);
        var tokens = ZooTokens;
        var baseA = Score(asInputs, baseWeights, tokens);
        var baseB = Score(perSet, baseWeights, tokens);
        var tunedA = Score(asInputs, tunedWeights, tokens);
        var tunedB = Score(perSet, tunedWeights, tokens);

        Assert.True(MaxDifference(original, baseA) <= 1e-5f, $"weights as inputs vs the graph: {MaxDifference(original, baseA)}");
        Assert.True(MaxDifference(original, baseB) <= 1e-5f, $"session per set vs the graph: {MaxDifference(original, baseB)}");
        // The strategies run different float32 kernels (weights folded into the graph or fed as inputs) through four
        // layers: their rounding differs by some ulps of the largest logit, so the bound scales with it (2e-6 relative,
        // about 16 ulps; at least 1e-5).
        var tolerance = Math.Max(1e-5f, 2e-6f * tunedA.Max(MathF.Abs));
        Assert.True(MaxDifference(tunedA, tunedB) <= tolerance, $"fine-tune, strategies: {MaxDifference(tunedA, tunedB)} > {tolerance}");
        Assert.True(MaxDifference(baseA, tunedA) > 1e-2f, "the fine-tune must move the logits");
    }

    [ZooFact]
    public void Both_strategies_reproduce_torchs_reference_logits_of_the_base()
    {
        var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Zoo, "onnx", "reference-logits.json"))).RootElement;
        var graph = OnnxModel.Load(ZooFactAttribute.Model);
        using var folder = HfModelFolder.Open(ZooFactAttribute.Base);
        var binding = WeightBinding.Create(graph, folder.Weights);
        using var weights = binding.Convert(folder.Weights);
        foreach (var strategy in Enum.GetValues<ScoringStrategy>())
        {
            using var scoring = ScoringSession.Create(binding, strategy, Settings);
            foreach (var item in reference.GetProperty("cases").EnumerateArray())
            {
                var ids = item.GetProperty("input_ids").EnumerateArray().Select(v => v.GetInt64()).ToArray();
                var logits = Score(scoring, weights, [ids]);
                var vocabulary = logits.Length / ids.Length;
                var last = logits.AsSpan((ids.Length - 1) * vocabulary, vocabulary);
                var first5 = item.GetProperty("last_position_first5").EnumerateArray().Select(v => v.GetSingle()).ToArray();
                var last5 = item.GetProperty("last_position_last5").EnumerateArray().Select(v => v.GetSingle()).ToArray();
                for (var i = 0; i < 5; i++)
                {
                    Assert.True(Math.Abs(first5[i] - last[i]) <= 1e-4f, $"{strategy} {item.GetProperty("prompt")}: logit {i}");
                    Assert.True(Math.Abs(last5[i] - last[vocabulary - 5 + i]) <= 1e-4f, $"{strategy} {item.GetProperty("prompt")}: logit {vocabulary - 5 + i}");
                }
                var argmax = Enumerable.Range(0, ids.Length)
                    .Select(p => (long)System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits.AsSpan(p * vocabulary, vocabulary))).ToArray();
                Assert.Equal(item.GetProperty("argmax_per_position").EnumerateArray().Select(v => v.GetInt64()), argmax);
            }
        }
    }

    /// <summary>Two rows of character-level ids well inside the zoo's vocabulary.</summary>
    private static readonly long[][] ZooTokens = [[1, 5, 9, 14, 20, 7], [2, 11, 3, 8, 16, 4]];

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

    private static float MaxDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        var worst = 0f;
        for (var i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }
}
