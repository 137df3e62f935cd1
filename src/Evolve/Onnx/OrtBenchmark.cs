using System.Diagnostics;
using Evolve.Checkpoints;

namespace Evolve.Onnx;

/// <summary>
/// Timings of one scoring strategy (milliseconds): one-time setup, the median preparation of a weight set, the median
/// Run, and per weight set the sum prepare + runs·run of the medians (on a shared machine a preempted Run lands in
/// some set or other, so a median of per-set sums would still carry it).
/// </summary>
internal sealed record StrategyTiming(ScoringStrategy Strategy, double SetupMs, double PrepareMs, double RunMs, double PerWeightSetMs);

internal sealed record OrtBenchmarkResult(
    string ModelPath, string WeightsDescription, int BoundInitializers, long BoundBytes, int WeightSets, int RunsPerSet, int Batch, int Sequence,
    StrategyTiming WeightsAsInputs, StrategyTiming SessionPerSet, float MaxLogitDifference, IReadOnlyList<string> BindingExceptions)
{
    /// <summary>Per weight set (prepare + runs), session per set over weights as inputs.</summary>
    public double Ratio => SessionPerSet.PerWeightSetMs / WeightsAsInputs.PerWeightSetMs;

    /// <summary>Runs per weight set above which a session per set is cheaper; null when its runs are not faster.</summary>
    public double? BreakEvenRuns =>
        SessionPerSet.RunMs < WeightsAsInputs.RunMs ? (SessionPerSet.PrepareMs - WeightsAsInputs.PrepareMs) / (WeightsAsInputs.RunMs - SessionPerSet.RunMs) : null;
}

/// <summary>
/// `evolve bench ort`: the two ways of scoring many weight sets on one graph (ort-binding.md §6), measured in the same
/// process on the same weight sets and inputs: one-time setup, per-set preparation (a session per set pays its
/// creation here), per-Run latency, and their sum per weight set.
/// </summary>
internal static class OrtBenchmark
{
    public static OrtBenchmarkResult Run(string modelPath, string? baseFolder, int weightSets, int runsPerSet, int batch, int sequence,
        OrtSessionSettings settings, IProgress<string>? progress = null)
    {
        var graph = OnnxModel.Load(modelPath);
        WeightBinding binding;
        GraphWeights baseWeights;
        string description;
        if (baseFolder is not null)
        {
            using var folder = HfModelFolder.Open(baseFolder);
            binding = WeightBinding.Create(graph, folder.Weights);
            baseWeights = binding.Convert(folder.Weights);
            description = $"{baseFolder} bound to the graph ({binding.Mappings.Count} tensors)";
        }
        else
        {
            binding = WeightBinding.OwnInitializers(graph);
            baseWeights = GraphOwnWeights(binding);
            description = "the graph's own initializers";
        }
        var sets = Enumerable.Range(1, weightSets).Select(k => Scaled(binding, baseWeights, 1f + 0.01f * k)).ToList();
        baseWeights.Dispose();
        try
        {
            progress?.Report($"{graph.Path}: {binding.BoundInitializers.Count} bound initializers, {weightSets} weight sets x {runsPerSet} runs, batch {batch} x {sequence} tokens");
            var wai = Measure(binding, ScoringStrategy.WeightsAsInputs, sets, runsPerSet, batch, sequence, settings, progress, out var logitsA);
            var per = Measure(binding, ScoringStrategy.SessionPerWeightSet, sets, runsPerSet, batch, sequence, settings, progress, out var logitsB);
            var difference = logitsA.Zip(logitsB, (a, b) => Math.Abs(a - b)).Max();
            return new OrtBenchmarkResult(graph.Path, description, binding.BoundInitializers.Count, binding.BoundInitializers.Sum(i => i.ByteLength),
                weightSets, runsPerSet, batch, sequence, wai, per, difference, binding.Exceptions().ToArray());
        }
        finally
        {
            foreach (var set in sets) set.Dispose();
        }
    }

    private static StrategyTiming Measure(WeightBinding binding, ScoringStrategy strategy, List<GraphWeights> sets, int runsPerSet, int batch, int sequence,
        OrtSessionSettings settings, IProgress<string>? progress, out float[] firstLogits)
    {
        var clock = Stopwatch.StartNew();
        using var scoring = ScoringSession.Create(binding, strategy, settings);
        var setupMs = clock.Elapsed.TotalMilliseconds;
        var inputs = DecoderInputs.ForTokens(scoring.Inputs, Tokens(scoring, batch, sequence));
        try
        {
            // Warm-up on a throw-away pass so the first measured set does not pay one-time allocations.
            scoring.Run(sets[^1], inputs);
            var prepare = new List<double>();
            var runs = new List<double>();
            firstLogits = [];
            for (var s = 0; s < sets.Count; s++)
            {
                clock.Restart();
                scoring.Prepare(sets[s]);
                prepare.Add(clock.Elapsed.TotalMilliseconds);
                for (var r = 0; r < runsPerSet; r++)
                {
                    clock.Restart();
                    var logits = scoring.Run(sets[s], inputs);
                    runs.Add(clock.Elapsed.TotalMilliseconds);
                    if (s == 0 && r == 0) firstLogits = logits.Values;
                }
            }
            progress?.Report($"{strategy}: done");
            return new StrategyTiming(strategy, setupMs, Median(prepare), Median(runs), Median(prepare) + runsPerSet * Median(runs));
        }
        finally
        {
            foreach (var t in inputs) t.Dispose();
        }
    }

    private static long[][] Tokens(ScoringSession scoring, int batch, int sequence)
    {
        var logits = scoring.Outputs.FirstOrDefault(o => o.Name == "logits") ?? scoring.Outputs[0];
        var vocabulary = logits.Dims.Length == 3 && logits.Dims[2] > 0 ? logits.Dims[2] : 100;
        return Enumerable.Range(0, batch)
            .Select(b => Enumerable.Range(0, sequence).Select(s => (long)((b * 7919L + s * 104729L + 13) % vocabulary)).ToArray())
            .ToArray();
    }

    private static GraphWeights GraphOwnWeights(WeightBinding binding)
    {
        var weights = new GraphWeights();
        foreach (var initializer in binding.BoundInitializers)
            weights.Add(initializer.Name, NativeBuffer.CopyOf(binding.Graph.ReadBytes(initializer).Span), owns: true);
        return weights;
    }

    /// <summary>A distinct weight set: every bound tensor scaled, so no session can reuse another set's packed weights.</summary>
    private static GraphWeights Scaled(WeightBinding binding, GraphWeights source, float factor)
    {
        var weights = new GraphWeights();
        foreach (var initializer in binding.BoundInitializers)
        {
            var values = initializer.ElementType.ToFloat32(source[initializer.Name].Bytes);
            System.Numerics.Tensors.TensorPrimitives.Multiply(values, factor, values);
            var buffer = new NativeBuffer(initializer.ByteLength);
            FloatConversion.FromSingle(values, initializer.ElementType.StorageDType(), buffer.Bytes);
            weights.Add(initializer.Name, buffer, owns: true);
        }
        return weights;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
