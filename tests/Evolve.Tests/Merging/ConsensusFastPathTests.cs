using Evolve.Merging.Kernels;
using Evolve.Merging.Methods;
using Evolve.Merging.Parameters;
using static Evolve.Tests.Merging.MethodHarness;

namespace Evolve.Tests.Merging;

/// <summary>
/// The SIMD sign-consensus combine and the branch-free rank keep pass against a plain scalar reference written from
/// the definitions (argsort ranks with index tie-break, per-element consensus in model order): bit for bit, on
/// tensors quantized so that many magnitudes tie at the pruning thresholds, with lengths that leave a SIMD tail.
/// </summary>
public sealed class ConsensusFastPathTests
{
    private const int SampleBlocks = GeneralizedTaskArithmetic.SampleBlocks;

    [Theory]
    [InlineData("ties", 1003, 1, 0.0)]
    [InlineData("ties", 4096, 2, 0.0)]
    [InlineData("ties", 5, 3, 0.0)]
    [InlineData("dare_ties", 1003, 4, 0.0)]
    [InlineData("breadcrumbs_ties", 1003, 5, 0.05)]
    [InlineData("breadcrumbs_ties", 640, 6, 0.2)]
    [InlineData("della", 1003, 7, 0.0)]
    [InlineData("ties", 40_001, 8, 0.0)]
    [InlineData("dare_ties", 40_001, 9, 0.0)]
    [InlineData("breadcrumbs_ties", 40_001, 10, 0.02)]
    [InlineData("della", 41_300, 11, 0.0)]
    [InlineData("ties", 50_000, 12, 0.0, "skewed start")]
    [InlineData("breadcrumbs_ties", 50_000, 13, 0.02, "skewed start")]
    // Past TaskVectorPruner.OnePassMinimum: TIES decides its masks in one pass from a sample and corrects them (the
    // quantized magnitudes tie in long runs at the thresholds); task vectors whose scale grows fourfold along the
    // tensor, as rows of a weight matrix differ in scale, still pass once; task vectors 1024 times smaller exactly
    // where the sample's blocks lie make the one pass fail, and the separate passes run.
    [InlineData("ties", 1_100_000, 14, 0.0)]
    [InlineData("ties", 1_100_000, 15, 0.0, "drifting scale")]
    [InlineData("ties", 1_100_000, 16, 0.0, "small where sampled")]
    // Split over workers (TensorMergeContext.Workers): 3 ranges of a tensor merged at once, their window lists
    // joined in index order, give the single pass's output; and so does the fallback after a split pass that failed.
    [InlineData("ties", 3_200_003, 17, 0.0, "drifting scale", 4)]
    [InlineData("ties", 2_100_000, 18, 0.0, "small where sampled", 4)]
    public void FastPathEqualsScalarReferenceBitForBit(string method, int length, int seed, double gamma, string inputs = "even", int parallelism = 1)
    {
        var random = new Random(seed);
        // Multiples of 1/16 in [−1, 1]: about 33 distinct magnitudes, so the thresholds fall inside runs of ties.
        float Quantized() => random.Next(-16, 17) / 16f;
        var baseTensor = Enumerable.Range(0, length).Select(_ => Quantized()).ToArray();
        // A skewed start (tiny task vectors in the first chunk) makes the first chunk's guess of the rank's
        // neighbourhood wrong, so the second histogram pass runs.
        float Scale(int j) => inputs switch
        {
            "skewed start" => j < 20_000 ? 1 / 64f : 1,
            "drifting scale" => 0.5f + 1.5f * j / length,
            "small where sampled" => j - (long)((long)j * SampleBlocks / length) * length / SampleBlocks < GeneralizedTaskArithmetic.SampleBlock ? 1 / 1024f : 1,
            _ => 1,
        };
        var models = Enumerable.Range(0, 3).Select(_ => baseTensor.Select((b, j) => b + Quantized() * Scale(j)).ToArray()).ToArray();
        var given = new Dictionary<string, double[]> { ["weight"] = [1.0, 0.6, -0.3], ["density"] = [0.3, 0.55, 0.8] };
        if (gamma > 0) given["gamma"] = [gamma, gamma, gamma];
        long[] shape = method == "della" ? [length / 59, 59] : [length];
        const ulong mergeSeed = 42;
        const string tensor = "model.layers.3.mlp.up_proj.weight";

        var fast = Run(method, baseTensor, models, given, shape, mergeSeed, tensor, parallelism);
        var m = MergeMethodRegistry.Get(method);
        var p = MethodParameters.Of(m.Parameters, models.Length, given);
        var expected = Reference(method, baseTensor, models, p, (int)shape[^1], i => MaskRandom.StreamKey(mergeSeed, tensor, i));

        for (int j = 0; j < length; j++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[j]) == BitConverter.SingleToInt32Bits(fast[j]),
                $"{method} element {j}: reference {expected[j]:R}, fast {fast[j]:R}");
        Assert.Contains(fast, v => v != 0);
    }

    private static float[] Reference(string method, float[] b, float[][] models, MethodParameters p, int columns, Func<int, ulong> streamKey)
    {
        int n = b.Length, k = models.Length;
        var deltas = new float[k][];
        for (int i = 0; i < k; i++)
        {
            var d = deltas[i] = models[i].Select((x, j) => x - b[j]).ToArray();
            double density = p.PerModel("density")[i];
            double before = ChunkedSumAbs(d, method == "della" ? GeneralizedTaskArithmetic.StreamChunk / columns * columns : GeneralizedTaskArithmetic.StreamChunk);
            switch (method)
            {
                case "ties":
                    KeepRanks(d, n - (int)Math.Floor(density * n), n);
                    break;
                case "breadcrumbs_ties":
                    int target = (int)Math.Floor(density * n), top = (int)Math.Floor(p.PerModel("gamma")[i] * n);
                    int bottom = n - target - top;
                    if (bottom < 0) (top, bottom) = (top + bottom, 0);
                    KeepRanks(d, bottom, n - top);
                    break;
                case "dare_ties":
                    for (int j = 0; j < n; j++)
                        if (MaskRandom.Uniform(streamKey(i), j) >= (float)density) d[j] = 0;
                    break;
                case "della":
                    double epsilon = p.PerModel("epsilon")[i];
                    for (int row = 0; row < n / columns; row++)
                    {
                        var order = RankOrder(d.AsSpan(row * columns, columns).ToArray());
                        for (int r = 0; r < columns; r++)
                        {
                            int c = order[r];
                            double keep = Math.Clamp(density - epsilon + r * (2 * epsilon / (columns - 1)), 0, 1);
                            if (MaskRandom.Uniform(streamKey(i), row * columns + c) >= keep) d[row * columns + c] = 0;
                        }
                    }
                    break;
            }
            if (p.Flag("rescale"))
            {
                double after = ChunkedSumAbs(d, method == "della" ? GeneralizedTaskArithmetic.StreamChunk / columns * columns : GeneralizedTaskArithmetic.StreamChunk);
                if (before >= 1e-7 && after >= 1e-7)
                    for (int j = 0; j < n; j++) d[j] *= (float)(before / after);
            }
        }
        var w = Enumerable.Range(0, k).Select(i => (float)p.PerModel("weight")[i]).ToArray();
        float lambda = (float)p.Global("lambda");
        var output = new float[n];
        for (int j = 0; j < n; j++)
        {
            float sum = 0;
            for (int i = 0; i < k; i++) sum += w[i] * deltas[i][j];
            float mixed = 0, divisor = 0;
            for (int i = 0; i < k; i++)
            {
                float wd = w[i] * deltas[i][j];
                if (sum >= 0 ? wd > 0 : wd < 0)
                {
                    mixed += wd;
                    divisor += w[i];
                }
            }
            if (p.Flag("normalize")) mixed /= divisor == 0 ? 1 : divisor;
            output[j] = b[j] + lambda * mixed;
        }
        return output;
    }

    /// <summary>
    /// The documented order of the rescale norms: a float64 SIMD sum per streamed chunk (whole rows for DELLA), the
    /// chunk sums added in order.
    /// </summary>
    private static double ChunkedSumAbs(float[] x, int chunk)
    {
        double sum = 0;
        for (int start = 0; start < x.Length; start += chunk)
            sum += Fp64.SumAbs(x.AsSpan(start, Math.Min(chunk, x.Length - start)));
        return sum;
    }

    /// <summary>Indices in ascending magnitude order, equal magnitudes by index (a stable argsort).</summary>
    private static int[] RankOrder(float[] x)
    {
        // Non-negative floats order like their bits; the index in the low half puts equal magnitudes in index order.
        var keys = x.Select((v, j) => ((long)BitConverter.SingleToInt32Bits(Math.Abs(v)) << 32) | (uint)j).ToArray();
        Array.Sort(keys);
        return keys.Select(key => (int)key).ToArray();
    }

    private static void KeepRanks(float[] x, int lo, int hi)
    {
        var order = RankOrder(x);
        for (int r = 0; r < x.Length; r++)
            if (r < lo || r >= hi) x[order[r]] = 0;
    }
}
