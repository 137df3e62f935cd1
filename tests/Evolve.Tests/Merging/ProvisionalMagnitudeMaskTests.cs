using Evolve.Merging.Methods;
using Evolve.Merging.Sparsification;

namespace Evolve.Tests.Merging;

/// <summary>
/// The one-pass magnitude mask against the definition (keep ascending ranks ≥ rank of a sort by magnitude, equal
/// magnitudes by index): the provisional chunks with the listed corrections applied equal it element for element,
/// the corrections are as few as the sample's quantile error makes them, a tensor whose scale drifts along the index
/// still passes in one read, a pass split into ranges counted in any order gives the same, and a sample unlike the
/// tensor reports failure.
/// </summary>
public sealed class ProvisionalMagnitudeMaskTests
{
    private const int Chunk = 1 << 14, Blocks = GeneralizedTaskArithmetic.SampleBlocks, Block = GeneralizedTaskArithmetic.SampleBlock;

    [Theory]
    [InlineData("gaussian", 0.5)]
    [InlineData("gaussian", 0.2)]
    [InlineData("quantized", 0.5)]
    [InlineData("quantized", 0.8)]
    [InlineData("drifting", 0.5)]
    // Split into 3 ranges (as workers merging a tensor at once do), counted last range first: the join in index order
    // must leave the single pass's window, else the pass fails.
    [InlineData("gaussian", 0.5, 3)]
    [InlineData("quantized", 0.5, 3)]
    public void CorrectedProvisionalMaskEqualsTheRankDefinition(string values, double density, int ranges = 1)
    {
        const int n = 1_200_001;
        var rng = new Random(3);
        float Gaussian() => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        float[] x = values switch
        {
            "gaussian" => Enumerable.Range(0, n).Select(_ => Gaussian()).ToArray(),
            // The scale grows fourfold from the first element to the last: the first rows' quantiles are not the tensor's.
            "drifting" => Enumerable.Range(0, n).Select(j => Gaussian() * (0.5f + 1.5f * j / n)).ToArray(),
            _ => Enumerable.Range(0, n).Select(_ => rng.Next(-2000, 2001) / 1024f).ToArray(),
        };
        int rank = n - (int)Math.Floor(density * n);

        var masked = (float[])x.Clone();
        using var mask = new ProvisionalMagnitudeMask(rank, n);
        mask.Begin(Sample(x));
        mask.SplitRanges(ranges);
        int RangeStart(int r) => (int)((long)n * r / ranges);
        for (int r = ranges - 1; r >= 0; r--)
            for (int start = RangeStart(r); start < RangeStart(r + 1); start += Chunk)
                mask.Apply(masked.AsSpan(start, Math.Min(Chunk, RangeStart(r + 1) - start)), start, r);
        var corrections = AssertCorrectedMaskIsTheRankDefinition(mask, x, masked, rank);
        if (values != "quantized")
        {
            // Without ties, an element is corrected only if its magnitude lies between the sample's quantile and the
            // exact threshold: a standard error of the quantile of 64 Ki draws is √(q(1−q)/65536) ≤ 0.2 % of the
            // elements, so the corrections stay far below the 5σ window's 2 %.
            Assert.InRange(corrections.Count, 1, n / 100);
        }
    }

    [Fact]
    public void TwoTaskVectorsMaskedInOneLoopFromBf16WordsEachMatchTheRankDefinition()
    {
        // Not a multiple of 16 nor of the chunk: the blocks of 16 end in the per-vector tail.
        const int n = 300_007, chunk = 1000;
        var rng = new Random(5);
        ushort Word(double v) => (ushort)(BitConverter.SingleToUInt32Bits((float)v) >> 16);
        // Fine-tunes a tenth of the base's scale away from it, as the bench's synthetic models are.
        var baseWords = Enumerable.Range(0, n).Select(_ => Word((rng.NextDouble() * 2 - 1) * 0.02)).ToArray();
        var words = Enumerable.Range(0, 2).Select(m => baseWords.Select(w => Word(Widen(w) + (rng.NextDouble() * 2 - 1) * 0.002 * (m + 1))).ToArray()).ToArray();
        var b = baseWords.Select(Widen).ToArray();
        var deltas = words.Select(x => x.Select((w, j) => Widen(w) - b[j]).ToArray()).ToArray();
        int[] ranks = [n / 2, n - n / 5];

        var masks = ranks.Select(rank => new ProvisionalMagnitudeMask(rank, n)).ToArray();
        var masked = new[] { new float[n], new float[n] };
        var widened = new float[n];
        try
        {
            for (int m = 0; m < 2; m++) masks[m].Begin(Sample(deltas[m]));
            for (int start = 0; start < n; start += chunk)
            {
                int length = Math.Min(chunk, n - start);
                ProvisionalMagnitudeMask.ApplyDifferences(masks[0], masks[1], words[0].AsSpan(start, length), words[1].AsSpan(start, length),
                    baseWords.AsSpan(start, length), widened.AsSpan(start, length), masked[0].AsSpan(start, length), masked[1].AsSpan(start, length), start);
            }
            Assert.Equal(b, widened);
            for (int m = 0; m < 2; m++) AssertCorrectedMaskIsTheRankDefinition(masks[m], deltas[m], masked[m], ranks[m]);
        }
        finally
        {
            foreach (var mask in masks) mask.Dispose();
        }

        static float Widen(ushort word) => BitConverter.UInt32BitsToSingle((uint)word << 16);
    }

    [Fact]
    public void ASampleUnlikeTheTensorMakesTheOnePassFail()
    {
        const int n = 1_100_000;
        var rng = new Random(4);
        var x = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        using var mask = new ProvisionalMagnitudeMask(n / 2, n);
        // A sample 1000 times smaller than the tensor puts the window far below the rank.
        mask.Begin(Sample(x).Select(v => v * 1e-3f).ToArray());
        for (int start = 0; start < n; start += Chunk) mask.Apply(x.AsSpan(start, Math.Min(Chunk, n - start)), start);
        Assert.False(mask.Finish());
    }

    /// <summary>
    /// Finishes <paramref name="mask"/>, applies its corrections to <paramref name="masked"/> (the provisional chunks)
    /// and checks the result against the definition: a sort of <paramref name="x"/> by magnitude, then index. Returns
    /// the corrections.
    /// </summary>
    private static List<int> AssertCorrectedMaskIsTheRankDefinition(ProvisionalMagnitudeMask mask, float[] x, float[] masked, int rank)
    {
        int n = x.Length;
        Assert.True(mask.Finish());
        var corrections = new List<int>();
        mask.AddCorrections(corrections);
        Assert.Equal(corrections.Order(), corrections);
        foreach (var j in corrections) masked[j] = mask.Keeps(j, x[j]) ? x[j] : 0;

        var keys = x.Select((v, j) => ((long)BitConverter.SingleToInt32Bits(Math.Abs(v)) << 32) | (uint)j).ToArray();
        Array.Sort(keys);
        var kept = new bool[n];
        for (int r = rank; r < n; r++) kept[(int)keys[r]] = true;
        for (int j = 0; j < n; j++)
        {
            float expected = kept[j] ? x[j] : 0;
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(masked[j]), $"element {j}: {expected:R} expected, {masked[j]:R} masked");
            Assert.True(kept[j] == mask.Keeps(j, x[j]), $"element {j}: kept {kept[j]} by rank");
        }
        return corrections;
    }

    /// <summary>The values of the merge's sample blocks spread evenly over <paramref name="x"/>, as it samples them.</summary>
    private static float[] Sample(float[] x) => Enumerable.Range(0, Blocks)
        .SelectMany(b => x.Skip((int)((long)b * x.Length / Blocks)).Take(Block)).ToArray();
}
