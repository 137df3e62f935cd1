using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Evolve.Merging.Sparsification;

/// <summary>
/// O(n) selection on magnitudes instead of a full argsort: a two-pass radix select over the bit patterns of |x|
/// (non-negative floats order like their bits), then one pass that keeps a range of ascending ranks. Ties between
/// equal magnitudes are broken by element index (the earlier element ranks lower), so results are deterministic.
/// </summary>
internal static class RankSelection
{
    private const int HighBins = 1 << 15;
    private const int LowBins = 1 << 16;

    /// <summary>
    /// The magnitude (as bits of |x|) at ascending rank <paramref name="rank"/> (0-based) and how many elements have
    /// a strictly smaller magnitude.
    /// </summary>
    public static uint MagnitudeAtRank(ReadOnlySpan<float> x, int rank, out int countBelow) =>
        MagnitudeAtRank(x, rank, out countBelow, out _);

    /// <summary>As above, also counting the elements whose magnitude equals the one returned.</summary>
    public static uint MagnitudeAtRank(ReadOnlySpan<float> x, int rank, out int countBelow, out int countEqual)
    {
        if ((uint)rank >= (uint)x.Length) throw new ArgumentOutOfRangeException(nameof(rank));
        var bits = MemoryMarshal.Cast<float, uint>(x);
        var histogram = ArrayPool<int>.Shared.Rent(LowBins);
        try
        {
            var high = histogram.AsSpan(0, HighBins);
            high.Clear();
            foreach (var b in bits) high[(int)((b & 0x7FFFFFFF) >> 16)]++;
            int below = 0, bin = 0;
            for (; bin < HighBins; bin++)
            {
                if (below + high[bin] > rank) break;
                below += high[bin];
            }
            var low = histogram.AsSpan(0, LowBins);
            low.Clear();
            var prefix = (uint)bin;
            foreach (var b in bits)
            {
                var m = b & 0x7FFFFFFF;
                if (m >> 16 == prefix) low[(int)(m & 0xFFFF)]++;
            }
            int lowBin = 0;
            for (; lowBin < LowBins; lowBin++)
            {
                if (below + low[lowBin] > rank) break;
                below += low[lowBin];
            }
            countBelow = below;
            countEqual = low[lowBin];
            return (prefix << 16) | (uint)lowBin;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(histogram);
        }
    }

    /// <summary>
    /// Zeroes every element whose ascending magnitude rank lies outside [<paramref name="lo"/>, <paramref name="hi"/>).
    /// </summary>
    public static void KeepRankRange(Span<float> x, int lo, int hi)
    {
        int n = x.Length;
        lo = Math.Max(lo, 0);
        hi = Math.Min(hi, n);
        if (lo == 0 && hi == n) return;
        if (lo >= hi)
        {
            x.Clear();
            return;
        }
        uint tLo = 0, tHi = 0x7FFFFFFF;
        int lessLo = 0, lessHi = 0, equalHi = 0;
        if (lo > 0) tLo = MagnitudeAtRank(x, lo, out lessLo);
        if (hi < n) tHi = MagnitudeAtRank(x, hi, out lessHi, out equalHi);
        var bits = MemoryMarshal.Cast<float, uint>(x);
        ZeroOutside(bits, tLo, tHi);
        // Elements equal to a threshold magnitude take ranks in index order: the first lo − lessLo of those equal to
        // tLo rank below lo, the last lessHi + equalHi − hi of those equal to tHi rank at hi or above. Both sets are
        // disjoint because lo < hi, so each fix-up sees only original values.
        if (lo > 0) ZeroEqual(bits, tLo, lo - lessLo, fromEnd: false);
        if (hi < n) ZeroEqual(bits, tHi, lessHi + equalHi - hi, fromEnd: true);
    }

    /// <summary>Zeroes the elements with |x| &lt; lo or |x| &gt; hi (as magnitude bits), branch-free.</summary>
    private static void ZeroOutside(Span<uint> bits, uint lo, uint hi)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var v = MemoryMarshal.Cast<uint, Vector<uint>>(bits);
            var abs = new Vector<uint>(0x7FFFFFFF);
            var vLo = new Vector<uint>(lo);
            var vHi = new Vector<uint>(hi);
            for (int k = 0; k < v.Length; k++)
            {
                var m = v[k] & abs;
                var keep = Vector.GreaterThanOrEqual(m, vLo) & Vector.LessThanOrEqual(m, vHi);
                v[k] &= keep;
            }
            i = v.Length * Vector<uint>.Count;
        }
        for (; i < bits.Length; i++)
        {
            var m = bits[i] & 0x7FFFFFFF;
            if (m < lo || m > hi) bits[i] = 0;
        }
    }

    /// <summary>Zeroes the first (or last) <paramref name="count"/> elements whose magnitude bits equal <paramref name="magnitude"/>.</summary>
    private static void ZeroEqual(Span<uint> bits, uint magnitude, int count, bool fromEnd)
    {
        if (count <= 0) return;
        int width = Vector.IsHardwareAccelerated ? Vector<uint>.Count : 1;
        int blocks = bits.Length / width;
        var abs = new Vector<uint>(0x7FFFFFFF);
        var target = new Vector<uint>(magnitude);
        // The remainder past the last whole block is visited first from the end and last from the start.
        if (fromEnd && !ZeroEqualScalar(bits, blocks * width, bits.Length, magnitude, ref count, fromEnd)) return;
        for (int step = 0; step < blocks; step++)
        {
            int block = fromEnd ? blocks - 1 - step : step;
            int start = block * width;
            if (width > 1 && !Vector.EqualsAny(Vector.LoadUnsafe(ref MemoryMarshal.GetReference(bits), (nuint)start) & abs, target)) continue;
            if (!ZeroEqualScalar(bits, start, start + width, magnitude, ref count, fromEnd)) return;
        }
        if (!fromEnd) ZeroEqualScalar(bits, blocks * width, bits.Length, magnitude, ref count, fromEnd);
    }

    /// <summary>Zeroes equal elements of [start, end) while <paramref name="count"/> lasts; false once it is spent.</summary>
    private static bool ZeroEqualScalar(Span<uint> bits, int start, int end, uint magnitude, ref int count, bool fromEnd)
    {
        for (int s = 0; s < end - start; s++)
        {
            int i = fromEnd ? end - 1 - s : start + s;
            if ((bits[i] & 0x7FFFFFFF) != magnitude) continue;
            bits[i] = 0;
            if (--count == 0) return false;
        }
        return true;
    }
}
