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
        while (selector.NeedsPass)
        {
            selector.Count(x);
            selector.EndPass();
        }
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
/// The radix select of one rank fed chunk by chunk: while <see cref="NeedsPass"/>, every chunk in index order through
/// <see cref="Count"/>, then <see cref="EndPass"/>; then <see cref="Result"/>. When the tensor comes in several
/// chunks, the first chunk's quantiles guess a magnitude window around the rank, and the first pass only counts the
/// elements below it (SIMD compares) and keeps those inside it; if the rank falls inside, the select finishes on the
/// kept few and the tensor is read once. Otherwise, or for a single chunk, two histogram passes (high 15 bits, then
/// low 16 bits within the rank's bin) find it.
/// </summary>
internal sealed class MagnitudeRankSelector : IDisposable
{
    private const int HighBins = 1 << 15;
    private const int LowBins = 1 << 16;
    /// <summary>Half-width of the guessed window, as a fraction of the elements.</summary>
    private const double WindowMargin = 0.02;
    private enum Phase { Start, Window, High, Low, Done }
    private readonly int _rank, _length, _capacity;
    private readonly int[] _histogram;
    private Phase _phase = Phase.Start;
    private int _below;
    private uint _prefix;
    private uint _windowLo, _windowHi;
    private uint[]? _kept;
    private int _keptCount;
    private long _belowWindow;
    private uint _result;
    private int _countBelow, _countEqual;

    public MagnitudeRankSelector(int rank, int length)
    {
        _rank = rank;
        _length = length;
        _capacity = length / 8 + 4096;
        _histogram = ArrayPool<int>.Shared.Rent(LowBins);
    }

    public bool NeedsPass => _phase != Phase.Done;

    public void Count(ReadOnlySpan<float> x)
    {
        var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(x);
        if (_phase == Phase.Start)
        {
            if (bits.Length < _length && bits.Length >= 1024)
            {
                GuessWindow(bits);
                _phase = Phase.Window;
            }
            else StartHigh();
        }
        switch (_phase)
        {
            case Phase.Window:
                CountWindow(bits);
                break;
            case Phase.High:
                var high = _histogram.AsSpan(0, HighBins);
                foreach (var b in bits) high[(int)((b & 0x7FFFFFFF) >> 16)]++;
                break;
            case Phase.Low:
                CountLow(bits, _histogram.AsSpan(0, LowBins));
                break;
        }
    }

    public void EndPass()
    {
        switch (_phase)
        {
            case Phase.Window:
                if (_kept is not null && _belowWindow <= _rank && _rank < _belowWindow + _keptCount) SelectFromKept();
                else StartHigh();
                if (_kept is not null) ArrayPool<uint>.Shared.Return(_kept);
                _kept = null;
                break;
            case Phase.High:
                _below = 0;
                _prefix = (uint)FindBin(_histogram.AsSpan(0, HighBins), _rank, ref _below);
                Array.Clear(_histogram, 0, LowBins);
                _phase = Phase.Low;
                break;
            case Phase.Low:
                Finish(_histogram.AsSpan(0, LowBins), _below);
                break;
        }
    }

    /// <summary>The magnitude bits at the rank, the count strictly below it and the count equal to it.</summary>
    public uint Result(out int countBelow, out int countEqual)
    {
        if (_phase != Phase.Done) throw new InvalidOperationException("the rank passes are not finished");
        countBelow = _countBelow;
        countEqual = _countEqual;
        return _result;
    }

    private void StartHigh()
    {
        Array.Clear(_histogram, 0, HighBins);
        _phase = Phase.High;
    }

    private static int FindBin(ReadOnlySpan<int> histogram, int rank, ref int below)
    {
        int bin = 0;
        for (; bin < histogram.Length; bin++)
        {
            if (below + histogram[bin] > rank) break;
            below += histogram[bin];
        }
        return bin;
    }

    private void Finish(ReadOnlySpan<int> low, int below)
    {
        int lowBin = FindBin(low, _rank, ref below);
        _countBelow = below;
        _countEqual = low[lowBin];
        _result = (_prefix << 16) | (uint)lowBin;
        _phase = Phase.Done;
    }

    /// <summary>The same two-level select over the kept magnitudes, every other element lying below the window.</summary>
    private void SelectFromKept()
    {
        var kept = _kept!.AsSpan(0, _keptCount);
        var high = _histogram.AsSpan(0, HighBins);
        high.Clear();
        foreach (var m in kept) high[(int)(m >> 16)]++;
        _below = (int)_belowWindow;
        _prefix = (uint)FindBin(high, _rank, ref _below);
        var low = _histogram.AsSpan(0, LowBins);
        low.Clear();
        foreach (var m in kept)
            if (m >> 16 == _prefix) low[(int)(m & 0xFFFF)]++;
        Finish(low, _below);
    }

    private void GuessWindow(ReadOnlySpan<uint> bits)
    {
        var sample = ArrayPool<uint>.Shared.Rent(bits.Length);
        try
        {
            var s = sample.AsSpan(0, bits.Length);
            for (int i = 0; i < s.Length; i++) s[i] = bits[i] & 0x7FFFFFFF;
            s.Sort();
            double q = (double)_rank / _length;
            _windowLo = s[(int)Math.Clamp((q - WindowMargin) * s.Length, 0, s.Length - 1)];
            _windowHi = s[(int)Math.Clamp((q + WindowMargin) * s.Length, 0, s.Length - 1)];
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(sample);
        }
        _kept = ArrayPool<uint>.Shared.Rent(Math.Min(_capacity, 1 << 16) + 64);
    }

    /// <summary>Counts the magnitudes below the window (SIMD) and appends those inside it.</summary>
    private void CountWindow(ReadOnlySpan<uint> bits)
    {
        int width = Vector.IsHardwareAccelerated ? Vector<uint>.Count : 1;
        var abs = new Vector<uint>(0x7FFFFFFF);
        var lo = new Vector<uint>(_windowLo);
        var span = new Vector<uint>(_windowHi - _windowLo);
        var below = Vector<int>.Zero;
        int start = 0;
        if (width > 1)
        {
            for (; start + width <= bits.Length; start += width)
            {
                var m = Vector.LoadUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(bits), (nuint)start) & abs;
                below -= Vector.AsVectorInt32(Vector.LessThan(m, lo));
                if (_kept is null || !Vector.LessThanOrEqualAny(m - lo, span)) continue;
                Keep(bits.Slice(start, width));
            }
        }
        _belowWindow += Vector.Sum(below);
        var rest = bits[start..];
        foreach (var b in rest)
            if ((b & 0x7FFFFFFF) < _windowLo) _belowWindow++;
        if (_kept is not null && !rest.IsEmpty) Keep(rest);
    }

    /// <summary>Appends the block's magnitudes inside the window (a write per element, an advance per hit); gives up past the capacity.</summary>
    private void Keep(ReadOnlySpan<uint> block)
    {
        if (_keptCount + block.Length >= _kept!.Length)
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
        foreach (var b in block)
        {
            var m = b & 0x7FFFFFFF;
            _kept[_keptCount] = m;
            _keptCount += m - _windowLo <= _windowHi - _windowLo ? 1 : 0;
        }
    }

    /// <summary>Counts the low bits of the elements in the bin that holds the rank; a SIMD test skips blocks without one.</summary>
    private void CountLow(ReadOnlySpan<uint> bits, Span<int> low)
    {
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
