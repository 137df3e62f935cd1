using Evolve.Checkpoints;
using Evolve.Onnx;

namespace Evolve.Tests.Onnx;

public class ScoringSessionTests(LlamaCheckpoints checkpoints) : IClassFixture<LlamaCheckpoints>
{
    private static readonly OrtSessionSettings Settings = OrtSessionSettings.Default with { IntraOpThreads = 1 };

    [Fact]
    public void Llama_base_through_either_strategy_gives_the_original_graphs_logits()
    {
        var graph = OnnxModel.Load(OnnxAssets.Llama);
        float[] original;
        using (var session = OrtSession.FromFile(graph.Path, Settings))
            original = OrtBindingTests.RunLogits(session, OnnxAssets.Tokens, out _);

        using var hf = SafetensorsFile.Open(checkpoints.BasePath);
        var binding = WeightBinding.Create(graph, hf);
        using var weights = binding.Convert(hf);
        foreach (var strategy in Enum.GetValues<ScoringStrategy>())
        {
            using var scoring = ScoringSession.Create(binding, strategy, Settings);
            var logits = Score(scoring, weights);
            Assert.Equal([2, 5, 32000], logits.Shape);
            AssertClose(original, logits.Values, 1e-5f, strategy.ToString());
        }
    }

    [Fact]
    public void Llama_fine_tune_gives_the_same_logits_through_both_strategies_and_differs_from_the_base()
    {
        var graph = OnnxModel.Load(OnnxAssets.Llama);
        using var baseHf = SafetensorsFile.Open(checkpoints.BasePath);
        using var tunedHf = SafetensorsFile.Open(checkpoints.FineTunePath);
        var binding = WeightBinding.Create(graph, baseHf);
        using var baseWeights = binding.Convert(baseHf);
        using var tunedWeights = binding.Convert(tunedHf);
        // Same optimization level for both, so ORT runs the same kernels: the two strategies then agree bit for bit.
        var settings = Settings with { Optimization = GraphOptimization.Extended };
        using var asInputs = ScoringSession.Create(binding, ScoringStrategy.WeightsAsInputs, settings);
        using var perSet = ScoringSession.Create(binding, ScoringStrategy.SessionPerWeightSet, settings);

        var tunedA = Score(asInputs, tunedWeights).Values;
        var tunedB = Score(perSet, tunedWeights).Values;
        Assert.Equal(tunedA, tunedB);
        var baseA = Score(asInputs, baseWeights).Values;
        var baseB = Score(perSet, baseWeights).Values;
        Assert.Equal(baseA, baseB);
        var moved = baseA.Zip(tunedA, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(moved > 0.01f, $"the fine-tune moved logits by at most {moved}");
    }

    [Fact]
    public void Per_set_sessions_keep_fp16_overrides_even_when_asked_for_every_optimization()
    {
        var graph = OnnxModel.Load(OnnxAssets.Llama);
        using var baseHf = SafetensorsFile.Open(checkpoints.BasePath);
        using var tunedHf = SafetensorsFile.Open(checkpoints.FineTunePath);
        var binding = WeightBinding.Create(graph, baseHf);
        using var tunedWeights = binding.Convert(tunedHf);
        using var asInputs = ScoringSession.Create(binding, ScoringStrategy.WeightsAsInputs, Settings with { Optimization = GraphOptimization.All });
        using var perSet = ScoringSession.Create(binding, ScoringStrategy.SessionPerWeightSet, Settings with { Optimization = GraphOptimization.All });
        Assert.Equal(GraphOptimization.Extended, perSet.EffectiveSettings.Optimization);
        AssertClose(Score(asInputs, tunedWeights).Values, Score(perSet, tunedWeights).Values, 1e-5f, "All vs capped");
    }

    [Fact]
    public void Gpt2_float32_strategies_agree_and_the_rewritten_graph_matches_the_original()
    {
        var graph = OnnxModel.Load(OnnxAssets.Gpt2);
        var path = Path.Combine(RepoPaths.NewTempDir("gpt2-hf"), "model.safetensors");
        SafetensorsWriter.WriteFile(path, graph.Initializers
            .Select(i => TensorToWrite.FromBytes(i.Name == "onnx::MatMul_1400" ? "lm_head.weight" : i.Name, DType.F32, i.Dims, graph.ReadBytes(i)))
            .ToArray());
        using var hf = SafetensorsFile.Open(path);
        var binding = WeightBinding.Create(graph, hf);
        using var weights = binding.Convert(hf);
        float[] original;
        using (var session = OrtSession.FromFile(graph.Path, Settings))
            original = OrtBindingTests.RunLogits(session, OnnxAssets.Tokens, out _);
        using var asInputs = ScoringSession.Create(binding, ScoringStrategy.WeightsAsInputs, Settings);
        using var perSet = ScoringSession.Create(binding, ScoringStrategy.SessionPerWeightSet, Settings);
        Assert.Equal(GraphOptimization.All, perSet.EffectiveSettings.Optimization);
        Assert.Equal(["input_ids", "position_ids", "attention_mask", "past_0", "past_1", "past_2", "past_3", "past_4"], asInputs.Inputs.Select(i => i.Name));
        Assert.True(asInputs.TakesPastKeyValues);
        var a = Score(asInputs, weights).Values;
        var b = Score(perSet, weights).Values;
        AssertClose(original, a, 1e-5f, "weights as inputs");
        AssertClose(original, b, 1e-5f, "session per set");
    }

    [Fact]
    public void Scoring_session_exposes_the_graphs_own_inputs()
    {
        var graph = OnnxModel.Load(OnnxAssets.Llama);
        using var hf = SafetensorsFile.Open(checkpoints.BasePath);
        using var scoring = ScoringSession.Create(WeightBinding.Create(graph, hf), ScoringStrategy.WeightsAsInputs, Settings);
        Assert.True(scoring.TakesInput("attention_mask"));
        Assert.True(scoring.TakesInput("position_ids"));
        Assert.True(scoring.TakesPastKeyValues);
        Assert.Equal(7, scoring.Inputs.Count);
    }

    internal static Logits Score(ScoringSession scoring, GraphWeights weights)
    {
        var inputs = DecoderInputs.ForTokens(scoring.Inputs, OnnxAssets.Tokens);
        try
        {
            return scoring.Run(weights, inputs);
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
