using Evolve.Merging.Sparsification;

namespace Evolve.Tests.Merging;

/// <summary>
/// The one-pass magnitude mask against the definition (keep ascending ranks ≥ rank of a sort by magnitude, equal
/// magnitudes by index): the provisional chunks with the listed corrections applied equal it element for element,
/// the corrections are few where magnitudes are continuous, and a wrong first-chunk guess reports failure.
/// </summary>
public sealed class ProvisionalMagnitudeMaskTests
{
    private const int Chunk = 1 << 14;

    [Theory]
    [InlineData("gaussian", 0.5)]
    [InlineData("gaussian", 0.2)]
    [InlineData("quantized", 0.5)]
    [InlineData("quantized", 0.8)]
    public void CorrectedProvisionalMaskEqualsTheRankDefinition(string values, double density)
    {
        const int n = 1_200_001;
        var rng = new Random(3);
        float[] x = values == "gaussian"
            ? Enumerable.Range(0, n).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))).ToArray()
            : Enumerable.Range(0, n).Select(_ => rng.Next(-2000, 2001) / 1024f).ToArray();
        int rank = n - (int)Math.Floor(density * n);

        var masked = (float[])x.Clone();
        using var mask = new ProvisionalMagnitudeMask(rank, n, Chunk);
        for (int start = 0; start < n; start += Chunk) mask.Apply(masked.AsSpan(start, Math.Min(Chunk, n - start)), start);
        Assert.True(mask.Finish());
        var corrections = new List<int>();
        mask.AddCorrections(corrections);
        Assert.Equal(corrections.Count, corrections.Distinct().Count());
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

        if (values == "gaussian")
        {
            // Without ties, an element is corrected only if its magnitude lies between the estimate its chunk used
            // and the exact threshold. The estimate after s elements is off by about √(q(1−q)/s) in quantile, and
            // estimates are renewed at 1, 2, 4 … chunks, so the errors sum to a few √n: about 10⁴ here, not 10⁵.
            Assert.InRange(corrections.Count, 1, 20 * (int)Math.Sqrt(n));
        }
    }

    [Fact]
    public void AFirstChunkUnlikeTheRestMakesTheOnePassFail()
    {
        const int n = 1_100_000;
        var rng = new Random(4);
        // The first chunk's magnitudes are 1000 times smaller: its quantiles guess a window far below the rank.
        var x = Enumerable.Range(0, n).Select(j => (float)rng.NextDouble() * (j < Chunk ? 1e-3f : 1f)).ToArray();
        using var mask = new ProvisionalMagnitudeMask(n / 2, n, Chunk);
        for (int start = 0; start < n; start += Chunk) mask.Apply(x.AsSpan(start, Math.Min(Chunk, n - start)), start);
        Assert.False(mask.Finish());
    }
}
