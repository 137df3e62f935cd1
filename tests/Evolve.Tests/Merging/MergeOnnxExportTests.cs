using Evolve.Checkpoints;
using Evolve.Cli;
using Evolve.Onnx;
using Evolve.Tests.Onnx;

namespace Evolve.Tests.Merging;

/// <summary>
/// `evolve merge --onnx`: the base's graph written with the merged weights gives, as a plain ONNX Runtime session,
/// the logits that the merged checkpoint gives through the base graph's weight binding.
/// </summary>
public class MergeOnnxExportTests
{
    private static readonly long[][] Tokens = [[1, 30, 44, 33, 17, 24, 28], [1, 57, 62, 55, 14, 21, 9]];

    [ZooFact]
    public void The_exported_graph_carries_the_merged_weights()
    {
        var dir = RepoPaths.NewTempDir("merge-onnx");
        var recipe = Path.Combine(dir, "ties.yaml");
        File.WriteAllText(recipe, $"""
            merge_method: ties
            base_model: {Path.Combine(RepoPaths.Zoo, "base")}
            models:
              - {"{"}model: {Path.Combine(RepoPaths.Zoo, "enc")}, parameters: {"{"}weight: 0.7, density: 0.5{"}"}{"}"}
              - {"{"}model: {Path.Combine(RepoPaths.Zoo, "nines")}, parameters: {"{"}weight: 0.7, density: 0.5{"}"}{"}"}
            parameters: {"{"}normalize: false{"}"}
            dtype: float32
            """);
        var output = Path.Combine(dir, "merged");
        var stderr = new StringWriter();
        Assert.Equal(0, CliApp.Run(["merge", recipe, "--out", output, "--onnx", ZooFactAttribute.Model], new StringWriter(), stderr));
        var exported = Path.Combine(output, "onnx", "model.onnx");
        Assert.True(File.Exists(exported + ".data"), stderr.ToString());

        var settings = OrtSessionSettings.Default with { IntraOpThreads = 1 };
        float[] fromExport, fromBase;
        using (var session = OrtSession.FromFile(exported, settings))
            fromExport = OrtBindingTests.RunLogits(session, Tokens, out _);
        using (var session = OrtSession.FromFile(ZooFactAttribute.Model, settings))
            fromBase = OrtBindingTests.RunLogits(session, Tokens, out _);

        var graph = OnnxModel.Load(ZooFactAttribute.Model);
        using var baseFolder = HfModelFolder.Open(ZooFactAttribute.Base);
        using var merged = HfModelFolder.Open(output);
        var binding = WeightBinding.Create(graph, baseFolder.Weights);
        using var weights = binding.Convert(merged.Weights);
        using var scoring = ScoringSession.Create(binding, ScoringStrategy.WeightsAsInputs, settings);
        var inputs = DecoderInputs.ForTokens(scoring.Inputs, Tokens);
        float[] bound;
        try
        {
            bound = scoring.Run(weights, inputs).Values;
        }
        finally
        {
            foreach (var t in inputs) t.Dispose();
        }

        Assert.Equal(bound.Length, fromExport.Length);
        // ORT pre-packs constant MatMul weights but not weights fed as inputs: other kernels, float rounding apart.
        Assert.True(MaxDifference(bound, fromExport) <= 1e-5f, $"exported graph vs bound weights: {MaxDifference(bound, fromExport)}");
        Assert.True(MaxDifference(fromBase, fromExport) > 1e-2f, "the export must carry the merge, not the base");
    }

    private static float MaxDifference(float[] a, float[] b)
    {
        var worst = 0f;
        for (var i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }
}
