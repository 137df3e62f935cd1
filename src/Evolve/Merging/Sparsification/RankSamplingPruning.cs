using Evolve.Merging.Kernels;

namespace Evolve.Merging.Sparsification;

/// <summary>
/// DELLA MagPrune: per row (the last dimension; a 1-D tensor is one row) rank magnitudes ascending, r = 0..m−1,
/// and keep element r with probability p = (density − ε) + 2ε·r/(m−1). Equal magnitudes get distinct ranks by
/// column order, as a double argsort does. A chunk holds whole rows; <c>offset</c> is the index of x[0] in the tensor.
/// Differs from mergekit, which raises unless 0 &lt; density − ε and density + ε &lt; 1: here p is clamped to
/// [0, 1] so a search may propose any (density, ε); and a one-element row gets p = density instead of NaN.
/// </summary>
internal static class RankSamplingPruning
{
    public static void Apply(Span<float> x, double density, double epsilon, int columns, ulong streamKey, Span<ulong> keys,
        Span<double> probabilities, long offset)
    {
        if (density >= 1) return;
        if (density <= 0)
        {
            x.Clear();
            return;
        }
        if (columns <= 0) columns = x.Length;
        for (int start = 0; start < x.Length; start += columns)
        {
            var row = x.Slice(start, columns);
            KeepProbabilities(row, density, epsilon, keys, probabilities);
            for (int c = 0; c < columns; c++)
                if (MaskRandom.Uniform(streamKey, offset + start + c) >= probabilities[c])
                    row[c] = 0;
        }
    }

    /// <summary>The keep probability of each element of <paramref name="row"/>.</summary>
    public static void KeepProbabilities(ReadOnlySpan<float> row, double density, double epsilon, Span<ulong> keys, Span<double> probabilities)
    {
        int m = row.Length;
        if (m == 1)
        {
            probabilities[0] = Math.Clamp(density, 0, 1);
            return;
        }
        var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(row);
        for (int c = 0; c < m; c++)
            keys[c] = ((ulong)(bits[c] & 0x7FFFFFFF) << 32) | (uint)c;
        keys[..m].Sort();
        double low = density - epsilon, step = 2 * epsilon / (m - 1);
        for (int r = 0; r < m; r++)
            probabilities[(int)(uint)keys[r]] = Math.Clamp(low + r * step, 0, 1);
    }
}
