using System.Buffers;
using System.Numerics;

namespace Evolve.Merging.Sparsification;

/// <summary>
/// O(n) selection on magnitudes instead of a full argsort: a two-pass radix select over the bit patterns of |x|
/// (non-negative floats order like their bits), then one pass that keeps a range of ascending ranks. Ties between
/// equal magnitudes are broken by element index (the earlier element ranks lower), so results are deterministic.
/// Both passes accept the tensor chunk by chunk (<see cref="MagnitudeRankSelector"/>, <see cref="RankRangeKeeper"/>),
/// so a caller may stream it from storage instead of holding it whole.
/// </summary>
internal static class RankSelection
{
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
        using var selector = new MagnitudeRankSelector(rank, x.Length);
        selector.CountHigh(x);
        selector.EndHigh();
        if (selector.NeedsLowPass) selector.CountLow(x);
        return selector.Result(out countBelow, out countEqual);
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
        var keeper = RankRangeKeeper.Everything;
        if (lo > 0) keeper = keeper.WithLow(MagnitudeAtRank(x, lo, out var lessLo), lessLo, lo);
        if (hi < n) keeper = keeper.WithHigh(MagnitudeAtRank(x, hi, out var lessHi), lessHi, hi);
        keeper.Apply(x);
    }
}

/// <summary>
/// The radix select of one rank fed chunk by chunk: every chunk through <see cref="CountHigh"/>, then
/// <see cref="EndHigh"/>, then, only if <see cref="NeedsLowPass"/>, every chunk again through <see cref="CountLow"/>,
/// then <see cref="Result"/>. The first chunk's quantiles guess a window of high bins around the rank; the first
/// pass keeps the magnitudes inside it, so when the rank's bin lies in the window its low bits are counted from
/// those and the second pass over the tensor is skipped. A wrong guess only costs that pass.
/// </summary>
internal sealed class MagnitudeRankSelector : IDisposable
{
    private const int HighBins = 1 << 15;
    private const int LowBins = 1 << 16;
    /// <summary>Half-width of the guessed window, as a fraction of the elements.</summary>
    private const double WindowMargin = 0.02;
    private readonly int _rank, _length, _capacity;
    private readonly int[] _histogram;
    private int _below;
    private uint _prefix;
    private bool _windowSet, _lowReady;
    private uint _windowLo, _windowHi;
    private uint[]? _kept;
    private int _keptCount;

    public MagnitudeRankSelector(int rank, int length)
    {
        _rank = rank;
        _length = length;
        _capacity = length / 8 + 4096;
        _histogram = ArrayPool<int>.Shared.Rent(LowBins);
        Array.Clear(_histogram, 0, HighBins);
    }

    /// <summary>Whether <see cref="CountLow"/> must see the tensor again (known after <see cref="EndHigh"/>).</summary>
    public bool NeedsLowPass => !_lowReady;

    public void CountHigh(ReadOnlySpan<float> x)
    {
        var high = _histogram.AsSpan(0, HighBins);
        var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(x);
        foreach (var b in bits) high[(int)((b & 0x7FFFFFFF) >> 16)]++;
        if (!_windowSet) GuessWindow(bits);
        if (_kept is not null) KeepWindow(bits);
    }

    private void GuessWindow(ReadOnlySpan<uint> bits)
    {
        _windowSet = true;
        if (bits.Length == _length || bits.Length < 1024) return;
        var sample = ArrayPool<uint>.Shared.Rent(bits.Length);
        try
        {
            var s = sample.AsSpan(0, bits.Length);
            for (int i = 0; i < s.Length; i++) s[i] = bits[i] & 0x7FFFFFFF;
            s.Sort();
            double q = (double)_rank / _length;
            int lo = (int)Math.Clamp((q - WindowMargin) * s.Length, 0, s.Length - 1);
            int hi = (int)Math.Clamp((q + WindowMargin) * s.Length, 0, s.Length - 1);
            _windowLo = s[lo] >> 16;
            _windowHi = s[hi] >> 16;
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(sample);
        }
        _kept = ArrayPool<uint>.Shared.Rent(Math.Min(_capacity, 1 << 16) + 64);
    }

    /// <summary>Appends the magnitudes whose high bits lie in the window; a SIMD test skips blocks without one.</summary>
    private void KeepWindow(ReadOnlySpan<uint> bits)
    {
        int width = Vector.IsHardwareAccelerated ? Vector<uint>.Count : 1;
        var abs = new Vector<uint>(0x7FFFFFFF);
        var lo = new Vector<uint>(_windowLo);
        var span = new Vector<uint>(_windowHi - _windowLo);
        for (int start = 0; start < bits.Length; start += width)
        {
            int end = Math.Min(start + width, bits.Length);
            if (width > 1 && end - start == width
                && !Vector.LessThanOrEqualAny(Vector.ShiftRightLogical(Vector.LoadUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(bits), (nuint)start) & abs, 16) - lo, span))
                continue;
            if (_keptCount + width >= _kept!.Length)
            {
                if (_kept.Length >= _capacity)
                {
                    ArrayPool<uint>.Shared.Return(_kept);
                    _kept = null;
                    return;
                }
                var larger = ArrayPool<uint>.Shared.Rent(Math.Min(_capacity, _kept.Length * 2) + 64);
                _kept.AsSpan(0, _keptCount).CopyTo(larger);
                ArrayPool<uint>.Shared.Return(_kept);
                _kept = larger;
            }
            for (int i = start; i < end; i++)
            {
                var m = bits[i] & 0x7FFFFFFF;
                _kept[_keptCount] = m;
                _keptCount += (m >> 16) - _windowLo <= _windowHi - _windowLo ? 1 : 0;
            }
        }
    }

    public void EndHigh()
    {
        var high = _histogram.AsSpan(0, HighBins);
        int below = 0, bin = 0;
        for (; bin < HighBins; bin++)
        {
            if (below + high[bin] > _rank) break;
            below += high[bin];
        }
        _below = below;
        _prefix = (uint)bin;
        Array.Clear(_histogram, 0, LowBins);
        if (_kept is not null && _prefix >= _windowLo && _prefix <= _windowHi)
        {
            var low = _histogram.AsSpan(0, LowBins);
            foreach (var m in _kept.AsSpan(0, _keptCount))
                if (m >> 16 == _prefix) low[(int)(m & 0xFFFF)]++;
            _lowReady = true;
        }
        if (_kept is not null) ArrayPool<uint>.Shared.Return(_kept);
        _kept = null;
    }

    /// <summary>Counts the low bits of the elements in the bin that holds the rank; a SIMD test skips blocks without one.</summary>
    public void CountLow(ReadOnlySpan<float> x)
    {
        var low = _histogram.AsSpan(0, LowBins);
        var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(x);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<uint, Vector<uint>>(bits);
            var abs = new Vector<uint>(0x7FFFFFFF);
            var prefix = new Vector<uint>(_prefix);
            for (int k = 0; k < vectors.Length; k++)
            {
                if (!Vector.EqualsAny(Vector.ShiftRightLogical(vectors[k] & abs, 16), prefix)) continue;
                for (int j = k * Vector<uint>.Count; j < (k + 1) * Vector<uint>.Count; j++)
                {
                    var m = bits[j] & 0x7FFFFFFF;
                    if (m >> 16 == _prefix) low[(int)(m & 0xFFFF)]++;
                }
            }
            i = vectors.Length * Vector<uint>.Count;
        }
        for (; i < bits.Length; i++)
        {
            var m = bits[i] & 0x7FFFFFFF;
            if (m >> 16 == _prefix) low[(int)(m & 0xFFFF)]++;
        }
    }

    /// <summary>The magnitude bits at the rank, the count strictly below it and the count equal to it.</summary>
    public uint Result(out int countBelow, out int countEqual)
    {
        var low = _histogram.AsSpan(0, LowBins);
        int below = _below, lowBin = 0;
        for (; lowBin < LowBins; lowBin++)
        {
            if (below + low[lowBin] > _rank) break;
            below += low[lowBin];
        }
        countBelow = below;
        countEqual = low[lowBin];
        return (_prefix << 16) | (uint)lowBin;
    }

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_histogram);
        if (_kept is not null) ArrayPool<uint>.Shared.Return(_kept);
        _kept = null;
    }
}

/// <summary>
/// The keep pass of a rank range, fed the tensor's chunks in index order, branch-free per SIMD block: elements
/// strictly inside the threshold magnitudes are kept and those outside zeroed; equal elements are counted in index
/// order (the first lo − lessLo equal to the low threshold rank below lo, equal ones from the (hi − lessHi + 1)-th on
/// rank at hi or above), and only a block in which that count crosses a quota goes through the scalar rule.
/// </summary>
internal struct RankRangeKeeper
{
    // Magnitudes never have bit 31 set, so this "threshold" never equals one.
    private const uint Never = 0xFFFFFFFF;
    private uint _lo, _hi, _equalLoBits, _equalHiBits;
    private int _lessLo, _lessHi, _rankLo, _rankHi;
    private int _seenLo, _seenHi;

    /// <summary>Keeps every rank.</summary>
    public static RankRangeKeeper Everything => new() { _lo = 0, _hi = 0x7FFFFFFF, _equalLoBits = Never, _equalHiBits = Never };

    public readonly RankRangeKeeper WithLow(uint magnitude, int countBelow, int rank) =>
        this with { _lo = magnitude, _equalLoBits = magnitude, _lessLo = countBelow, _rankLo = rank };

    public readonly RankRangeKeeper WithHigh(uint magnitude, int countBelow, int rank) =>
        this with { _hi = magnitude, _equalHiBits = magnitude, _lessHi = countBelow, _rankHi = rank };

    /// <summary>Starts a new pass over the tensor.</summary>
    public void Restart() => _seenLo = _seenHi = 0;

    /// <summary>Applies the range to the next chunk (chunks in index order, from <see cref="Restart"/> on).</summary>
    public void Apply(Span<float> chunk)
    {
        var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(chunk);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<uint, Vector<uint>>(bits);
            var abs = new Vector<uint>(0x7FFFFFFF);
            Vector<uint> lo = new(_lo), hi = new(_hi), equalLo = new(_equalLoBits), equalHi = new(_equalHiBits);
            int quotaLo = _rankLo - _lessLo, quotaHi = _rankHi - _lessHi;
            for (int k = 0; k < vectors.Length; k++)
            {
                var m = vectors[k] & abs;
                var keep = Vector.GreaterThanOrEqual(m, lo) & Vector.LessThanOrEqual(m, hi);
                var atLo = Vector.Equals(m, equalLo);
                var atHi = Vector.Equals(m, equalHi);
                // Magnitudes equal to a threshold (frequent in quantized task vectors): the whole block's equal
                // elements fall on one side of the quota unless the block straddles it, which goes through the scalar rule.
                int countLo = atLo == Vector<uint>.Zero ? 0 : -Vector.Sum(Vector.AsVectorInt32(atLo));
                int countHi = atHi == Vector<uint>.Zero ? 0 : -Vector.Sum(Vector.AsVectorInt32(atHi));
                bool straddlesLo = countLo > 0 && _seenLo < quotaLo && _seenLo + countLo > quotaLo;
                bool straddlesHi = countHi > 0 && _seenHi < quotaHi && _seenHi + countHi > quotaHi;
                if (straddlesLo || straddlesHi)
                {
                    ApplyScalar(bits.Slice(k * Vector<uint>.Count, Vector<uint>.Count));
                    continue;
                }
                if (countLo > 0 && _seenLo < quotaLo) keep = Vector.AndNot(keep, atLo);
                if (countHi > 0 && _seenHi >= quotaHi) keep = Vector.AndNot(keep, atHi);
                _seenLo += countLo;
                _seenHi += countHi;
                vectors[k] &= keep;
            }
            i = vectors.Length * Vector<uint>.Count;
        }
        ApplyScalar(bits[i..]);
    }

    private void ApplyScalar(Span<uint> bits)
    {
        for (int i = 0; i < bits.Length; i++)
        {
            var m = bits[i] & 0x7FFFFFFF;
            bool keep = m >= _lo && m <= _hi;
            if (m == _equalLoBits) keep &= _lessLo + _seenLo++ >= _rankLo;
            if (m == _equalHiBits) keep &= _lessHi + _seenHi++ < _rankHi;
            if (!keep) bits[i] = 0;
        }
    }
}
