using System.Diagnostics;
using System.Globalization;
using Evolve.Onnx;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Tasks;

namespace Evolve.Proxy;

/// <summary>
/// One scoring workload: queries and tokens processed, and per timed repetition our wall time and the time spent inside
/// ORT's Run during that same pass.
/// </summary>
internal sealed record ScoreTiming(string Name, int Queries, long Tokens, IReadOnlyList<double> Walls, IReadOnlyList<double> Orts)
{
    public double WallSeconds => Median(Walls);
    public double OrtSeconds => Median(Orts);
    public double QueriesPerSecond => Queries / WallSeconds;
    public double TokensPerSecond => Tokens / WallSeconds;

    /// <summary>
    /// Our overhead (1 = none): per repetition, wall time over the ORT Run time of that same pass, so load that drifts
    /// between passes slows both sides of each ratio alike; the median of those ratios.
    /// </summary>
    public double Overhead => Median(Ratios);
    public double OverheadMin => Ratios.Min();
    public double OverheadMax => Ratios.Max();

    private IEnumerable<double> Ratios => Walls.Zip(Orts, (wall, ort) => wall / ort);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

internal sealed record ScoreBenchmarkResult(string Model, int Queries, int Batch, int MaxNewTokens, ScoreTiming LogLikelihood, ScoreTiming Recomputation, ScoreTiming? KvCache, bool SameGenerations)
{
    /// <summary>Recomputation's wall time over the KV cache's on the same prompts.</summary>
    public double? KvSpeedup => KvCache is null ? null : Recomputation.WallSeconds / KvCache.WallSeconds;
}

/// <summary>
/// `evolve bench score`: the scorer's throughput on one graph with its own weights, each workload timed as a whole
/// and inside ORT's Run in the same pass, after a warm-up pass; each repetition's ratio is our overhead on exactly
/// those batches under the load of that moment, and the median of the ratios is reported with their range; and KV-cache generation against recomputation on the same prompts.
/// </summary>
internal static class ScoreBenchmark
{
    public static ScoreBenchmarkResult Run(string onnxPath, ITokenCodec codec, int queries, int batch, int maxNewTokens, int repeats, OrtSessionSettings settings, IProgress<string>? progress = null)
    {
        using var session = OrtSession.FromFile(onnxPath, settings);
        using var graph = DecoderGraph.Over(session);
        var items = Enumerable.Range(0, queries).Select(i =>
        {
            var (a, b) = (17 + 7 * i % 83, 3 + 11 * i % 59);
            return new ProxyItem($"q{i}", "arith", $"Question {i}: what is {a} plus {b}?", (a + b).ToString(CultureInfo.InvariantCulture), null, null, 1, "bench");
        }).ToArray();
        var options = new ScoringOptions(batch, maxNewTokens);
        var logLikelihood = new ProxyScorer(codec, items, options, _ => new TaskSettings { Metric = TaskMetric.LogLikelihood, Template = "{prompt}\nAnswer:" });
        var generation = new ProxyScorer(codec, items, options, _ => new TaskSettings { Metric = TaskMetric.ExactMatch, Template = "{prompt}\nAnswer:" });
        var rowTokens = logLikelihood.Items.Sum(i => (long)i.Length);

        var ll = Measure("log-likelihood", graph, graph, logLikelihood, repeats, _ => rowTokens, progress);
        var recompute = Measure("generation, recomputation", graph, new Recomputing(graph), generation, repeats, Generated, progress);
        ScoreTiming? cached = null;
        var same = true;
        if (graph.PresentOf.Count > 0)
        {
            cached = Measure("generation, KV cache", graph, graph, generation, repeats, Generated, progress);
            same = Texts(generation.Score(graph)).SequenceEqual(Texts(generation.Score(new Recomputing(graph))));
        }
        return new ScoreBenchmarkResult(onnxPath, queries, batch, maxNewTokens, ll, recompute, cached, same);

        long Generated(IReadOnlyList<TaskScore> scores) =>
            scores.SelectMany(t => t.Items).Sum(i => (long)codec.Encode(i.Generated ?? "", addSpecialTokens: false).Length);
    }

    private static IEnumerable<string?> Texts(IReadOnlyList<TaskScore> scores) => scores.SelectMany(t => t.Items).Select(i => i.Generated);

    private static ScoreTiming Measure(string name, DecoderGraph graph, ICausalLm model, ProxyScorer scorer, int repeats, Func<IReadOnlyList<TaskScore>, long> tokens, IProgress<string>? progress)
    {
        var result = scorer.Score(model);
        var walls = new double[repeats];
        var orts = new double[repeats];
        for (var r = 0; r < repeats; r++)
        {
            var ortBefore = graph.RunTime;
            var started = Stopwatch.GetTimestamp();
            scorer.Score(model);
            walls[r] = Stopwatch.GetElapsedTime(started).TotalSeconds;
            orts[r] = (graph.RunTime - ortBefore).TotalSeconds;
        }
        var timing = new ScoreTiming(name, scorer.Items.Count, tokens(result), walls, orts);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{name}: {timing.WallSeconds * 1000:0.0} ms, ORT {timing.OrtSeconds * 1000:0.0} ms, wall / ORT {timing.Overhead:0.000} ({timing.OverheadMin:0.000}–{timing.OverheadMax:0.000})"));
        return timing;
    }

    /// <summary>The graph seen only as a whole-sequence model, so generation takes the recomputation path.</summary>
    private sealed class Recomputing(ICausalLm inner) : ICausalLm
    {
        public int VocabSize => inner.VocabSize;
        public ForwardLogits Forward(ReadOnlySpan<long> ids, int batch, int length) => inner.Forward(ids, batch, length);
    }
}
