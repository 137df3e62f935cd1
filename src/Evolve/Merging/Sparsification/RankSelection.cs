using System.Buffers;
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
    public static uint MagnitudeAtRank(ReadOnlySpan<float> x, int rank, out int countBelow)
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
        bool checkLo = lo > 0, checkHi = hi < n;
        uint tLo = 0, tHi = 0;
        int lessLo = 0, lessHi = 0;
        if (checkLo) tLo = MagnitudeAtRank(x, lo, out lessLo);
        if (checkHi) tHi = MagnitudeAtRank(x, hi, out lessHi);
        var bits = MemoryMarshal.Cast<float, uint>(x);
        int equalLo = 0, equalHi = 0;
        for (int i = 0; i < n; i++)
        {
            var m = bits[i] & 0x7FFFFFFF;
            bool keep = true;
            if (checkLo)
            {
                if (m < tLo) keep = false;
                else if (m == tLo) keep = lessLo + equalLo++ >= lo;
            }
            if (checkHi)
            {
                if (m > tHi) keep = false;
                else if (m == tHi && lessHi + equalHi++ >= hi) keep = false;
            }
            if (!keep) bits[i] = 0;
        }
    }
}
