using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Evolve.Merging.Kernels;

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
/// low 16 bits within the rank's bin) find it. A histogram costs its 2¹⁵ + 2¹⁶ bins whatever the element count, so a
/// tensor, or a kept list, of at most <see cref="SmallSelect"/> elements is selected in a copy instead
/// (<see cref="QuickSelect"/>). A caller may set the window itself (<see cref="StartWindow"/>). A selector that
/// records indices also keeps each windowed magnitude's element index, and keeps the window after the pass
/// (<see cref="WindowMagnitudes"/>), for a caller that decided elements provisionally during the pass and corrects
/// them once the rank is known.
/// </summary>
internal sealed unsafe class MagnitudeRankSelector : IDisposable
{
    private const int HighBins = 1 << 15;
    private const int LowBins = 1 << 16;
    /// <summary>Element counts up to which a selection in a copy beats clearing and scanning the histograms.</summary>
    internal const int SmallSelect = 1 << 16;
    /// <summary>Half-width of the guessed window, as a fraction of the elements.</summary>
    private const double WindowMargin = 0.02;
    private enum Phase { Start, Window, High, Low, Done }
    private readonly int _rank, _length, _capacity;
    private int[]? _histogram;
    private Phase _phase = Phase.Start;
    private int _below;
    private uint _prefix;
    private uint _windowLo, _windowHi;
    private NativeList<uint>? _kept;
    private NativeList<int>? _indices;
    /// <summary>Window lists of ranges joined after this one's own (<see cref="JoinWindow"/>), in index order.</summary>
    private List<(NativeList<uint> Kept, NativeList<int>? Indices, int Count)>? _joined;
    private readonly bool _recordIndices;
    private int _offset;
    private int _keptCount;
    private long _belowWindow;
    private uint _result;
    private int _countBelow, _countEqual;

    public MagnitudeRankSelector(int rank, int length, bool recordIndices = false)
    {
        _rank = rank;
        _length = length;
        _recordIndices = recordIndices;
        _capacity = length / 8 + 4096;
    }

    public bool NeedsPass => _phase != Phase.Done;

    /// <summary>The radix histogram, rented on first use: a selector whose window holds the rank never needs it.</summary>
    private int[] Histogram => _histogram ??= ArrayPool<int>.Shared.Rent(LowBins);

    /// <summary>Counts the next chunk, which starts at element <paramref name="offset"/> (used when recording indices).</summary>
    public void Count(ReadOnlySpan<float> x, int offset = 0)
    {
        var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(x);
        _offset = offset;
        if (_phase == Phase.Start)
        {
            if (bits.Length == _length && _length <= SmallSelect)
            {
                SelectInCopy(bits, _rank, 0);
                return;
            }
            if (bits.Length < _length && bits.Length >= 1024)
            {
                GuessWindow(bits);
                AllocateWindow(1 << 16);
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
                var high = Histogram.AsSpan(0, HighBins);
                foreach (var b in bits) high[(int)((b & 0x7FFFFFFF) >> 16)]++;
                break;
            case Phase.Low:
                CountLow(bits, Histogram.AsSpan(0, LowBins));
                break;
        }
    }

    /// <param name="guess">
    /// A likely magnitude at the rank, e.g. a sample's: when the rank falls in its run of equal magnitudes (common
    /// when task vectors are quantized), one count over the window replaces the select.
    /// </param>
    public void EndPass(uint? guess = null)
    {
        switch (_phase)
        {
            case Phase.Window:
                if (_kept is not null && _belowWindow <= _rank && _rank < _belowWindow + WindowCount)
                {
                    if (guess is not { } g || !TryGuess(g)) SelectFromKept();
                }
                else StartHigh();
                if (!_recordIndices || _phase != Phase.Done) ReturnWindow();
                break;
            case Phase.High:
                _below = 0;
                _prefix = (uint)FindBin(Histogram.AsSpan(0, HighBins), _rank, ref _below);
                Array.Clear(Histogram, 0, LowBins);
                _phase = Phase.Low;
                break;
            case Phase.Low:
                Finish(Histogram.AsSpan(0, LowBins), _below);
                break;
        }
    }

    /// <summary>
    /// While the first pass runs, and after it when indices are recorded and the rank fell inside: the magnitudes
    /// inside the window with their element indices, in index order, in <see cref="WindowSegments"/> segments (this
    /// selector's own list, then those of the ranges joined to it); none when the pass gave the window up.
    /// </summary>
    public ReadOnlySpan<uint> WindowMagnitudes(int segment)
    {
        var (kept, _, count) = Segment(segment);
        return kept is null ? default : kept.AsSpan(count);
    }

    /// <inheritdoc cref="WindowMagnitudes"/>
    public ReadOnlySpan<int> WindowIndices(int segment)
    {
        var (_, indices, count) = Segment(segment);
        return indices is null ? default : indices.AsSpan(count);
    }

    /// <inheritdoc cref="WindowMagnitudes"/>
    public int WindowSegments => _kept is null ? 0 : 1 + (_joined?.Count ?? 0);

    private (NativeList<uint>? Kept, NativeList<int>? Indices, int Count) Segment(int segment) =>
        segment == 0 ? (_kept, _indices, _keptCount) : _joined![segment - 1];

    /// <summary>Magnitudes in the window, over all its segments.</summary>
    private int WindowCount => _keptCount + (_joined?.Sum(segment => segment.Count) ?? 0);

    /// <summary>
    /// Starts the first pass with the window [<paramref name="low"/>, <paramref name="high"/>] (magnitude bits) found
    /// beforehand, e.g. from a sample spread over the tensor, instead of the first chunk's guess, with room for about
    /// <paramref name="expected"/> magnitudes inside it: the list is rented once instead of grown by doubling (every
    /// smaller list returned on the way would stay pooled, held memory as large again).
    /// </summary>
    public void StartWindow(uint low, uint high, int expected)
    {
        if (_phase != Phase.Start) throw new InvalidOperationException("the window is set before the first chunk");
        (_windowLo, _windowHi) = (low, high);
        AllocateWindow(expected);
        _phase = Phase.Window;
    }

    /// <summary>
    /// A selector for one range of the tensor's elements that counts into its own window list, with this one's window
    /// (after <see cref="StartWindow"/>) and room for about <paramref name="expected"/> magnitudes: ranges can then be
    /// counted at once, and <see cref="JoinWindow"/> takes them back.
    /// </summary>
    public MagnitudeRankSelector ForRange(int expected)
    {
        var part = new MagnitudeRankSelector(_rank, _length, _recordIndices);
        part.StartWindow(_windowLo, _windowHi, expected);
        return part;
    }

    /// <summary>
    /// Appends the window of a range counted apart (<see cref="ForRange"/>) to this one's, taking its lists over as a
    /// segment rather than copying them: ranges joined in index order leave the counts and the sequence of window
    /// entries that one pass over them would. The window is given up if the range gave up its own, or if the joined
    /// window outgrows the capacity.
    /// </summary>
    public void JoinWindow(MagnitudeRankSelector part)
    {
        _belowWindow += part._belowWindow;
        if (_kept is null || part._kept is null)
        {
            ReturnWindow();
            return;
        }
        (_joined ??= []).Add((part._kept, part._indices, part._keptCount));
        part._kept = null;
        part._indices = null;
        if (WindowCount > _capacity) ReturnWindow();
    }

    /// <summary>Whether the first pass keeps a window (its chunks came in several, and it did not overflow).</summary>
    public bool HasWindow => _kept is not null;

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
        Array.Clear(Histogram, 0, HighBins);
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

    /// <summary>
    /// The select over magnitudes <paramref name="values"/> (bits, sign included or not) holding ranks
    /// <paramref name="below"/> on of the tensor, every other element lying below them: the value at the rank in a
    /// sorted copy's sense, the count strictly below it and the count equal to it.
    /// </summary>
    private void SelectInCopy(ReadOnlySpan<uint> values, int rank, int below)
    {
        var copy = ArrayPool<uint>.Shared.Rent(values.Length);
        try
        {
            SelectInPlace(Magnitudes(values, copy), rank, below);
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(copy);
        }
    }

    /// <summary><see cref="SelectInCopy"/> over <paramref name="magnitudes"/> that may be reordered.</summary>
    private void SelectInPlace(Span<uint> magnitudes, int rank, int below)
    {
        uint result = QuickSelect(magnitudes, rank - below);
        var (less, equal) = CountLessAndEqual(magnitudes, result);
        _result = result;
        _countBelow = below + less;
        _countEqual = equal;
        _phase = Phase.Done;
    }

    /// <summary>
    /// The k-th smallest of <paramref name="values"/> (0-based), reordering them: Hoare-partition quickselect with a
    /// median-of-three pivot, which also splits runs of equal values evenly; past 2·log₂n + 8 rounds (an adversarial
    /// order) the remaining range is sorted instead, so the worst case stays O(n log n).
    /// </summary>
    internal static uint QuickSelect(Span<uint> values, int k)
    {
        int lo = 0, hi = values.Length - 1;
        int rounds = 2 * BitOperations.Log2((uint)Math.Max(1, values.Length)) + 8;
        while (lo < hi)
        {
            if (rounds-- == 0)
            {
                values[lo..(hi + 1)].Sort();
                break;
            }
            int mid = lo + (hi - lo) / 2;
            if (values[mid] < values[lo]) (values[mid], values[lo]) = (values[lo], values[mid]);
            if (values[hi] < values[lo]) (values[hi], values[lo]) = (values[lo], values[hi]);
            if (values[hi] < values[mid]) (values[hi], values[mid]) = (values[mid], values[hi]);
            uint pivot = values[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else break;
        }
        return values[k];
    }

    /// <summary>The magnitudes (sign bit cleared) of float bits <paramref name="bits"/>, into the start of <paramref name="destination"/>.</summary>
    internal static Span<uint> Magnitudes(ReadOnlySpan<uint> bits, uint[] destination)
    {
        var m = destination.AsSpan(0, bits.Length);
        System.Numerics.Tensors.TensorPrimitives.BitwiseAnd(bits, 0x7FFFFFFFu, m);
        return m;
    }

    /// <summary>How many of <paramref name="magnitudes"/> (below 2³¹) are below <paramref name="value"/>, and how many equal it.</summary>
    internal static (int Less, int Equal) CountLessAndEqual(ReadOnlySpan<uint> magnitudes, uint value)
    {
        int less = 0, equal = 0, j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref uint m0 = ref MemoryMarshal.GetReference(magnitudes);
            // Magnitudes lie below 2³¹: signed compares order them.
            var v = Vector256.Create((int)value);
            Vector256<int> below = Vector256<int>.Zero, same = Vector256<int>.Zero;
            for (; j + 8 <= magnitudes.Length; j += 8)
            {
                var m = Vector256.LoadUnsafe(ref m0, (nuint)j).AsInt32();
                below -= Vector256.LessThan(m, v);
                same -= Vector256.Equals(m, v);
            }
            less = Vector256.Sum(below);
            equal = Vector256.Sum(same);
        }
        for (; j < magnitudes.Length; j++)
        {
            less += magnitudes[j] < value ? 1 : 0;
            equal += magnitudes[j] == value ? 1 : 0;
        }
        return (less, equal);
    }

    /// <summary>Finishes with <paramref name="guess"/> when the rank falls among the kept magnitudes equal to it.</summary>
    private bool TryGuess(uint guess)
    {
        int less = 0, equal = 0;
        for (int segment = 0; segment < WindowSegments; segment++)
        {
            var (l, e) = CountLessAndEqual(WindowMagnitudes(segment), guess);
            less += l;
            equal += e;
        }
        long first = _belowWindow + less;
        if (_rank < first || _rank >= first + equal) return false;
        _result = guess;
        _countBelow = (int)first;
        _countEqual = equal;
        _phase = Phase.Done;
        return true;
    }

    /// <summary>The same two-level select over the kept magnitudes, every other element lying below the window.</summary>
    private void SelectFromKept()
    {
        if (WindowCount <= SmallSelect)
        {
            // The window's magnitudes gathered into one scratch list, selected there without a second copy.
            var all = ArrayPool<uint>.Shared.Rent(WindowCount);
            try
            {
                int filled = 0;
                for (int segment = 0; segment < WindowSegments; segment++)
                {
                    WindowMagnitudes(segment).CopyTo(all.AsSpan(filled));
                    filled += WindowMagnitudes(segment).Length;
                }
                SelectInPlace(all.AsSpan(0, filled), _rank, (int)_belowWindow);
            }
            finally
            {
                ArrayPool<uint>.Shared.Return(all);
            }
            return;
        }
        // Kept magnitudes of a quantized task vector repeat a lot: counting into 4 interleaved copies of the
        // histogram keeps equal neighbours from serializing on one counter; the copies are summed afterwards.
        const int stride = LowBins + 1;
        var copies = ArrayPool<int>.Shared.Rent(4 * stride);
        try
        {
            // The window spans few high bins: count them relative to its first.
            uint first = _windowLo >> 16;
            int span = (int)((_windowHi >> 16) - first) + 1;
            var c = copies.AsSpan(0, 4 * span);
            c.Clear();
            for (int segment = 0; segment < WindowSegments; segment++)
            {
                var kept = WindowMagnitudes(segment);
                int i = 0;
                for (; i + 4 <= kept.Length; i += 4)
                {
                    c[(int)((kept[i] >> 16) - first)]++;
                    c[span + (int)((kept[i + 1] >> 16) - first)]++;
                    c[2 * span + (int)((kept[i + 2] >> 16) - first)]++;
                    c[3 * span + (int)((kept[i + 3] >> 16) - first)]++;
                }
                for (; i < kept.Length; i++) c[(int)((kept[i] >> 16) - first)]++;
            }
            var high = Histogram.AsSpan(0, HighBins);
            high.Clear();
            for (int bin = 0; bin < span; bin++) high[(int)first + bin] = c[bin] + c[span + bin] + c[2 * span + bin] + c[3 * span + bin];
            _below = (int)_belowWindow;
            _prefix = (uint)FindBin(high, _rank, ref _below);

            // Low bits of the magnitudes in the rank's high bin; the others count in an extra bin (no branch).
            c = copies.AsSpan(0, 4 * stride);
            c.Clear();
            for (int segment = 0; segment < WindowSegments; segment++)
            {
                var kept = WindowMagnitudes(segment);
                int i = 0;
                for (; i + 4 <= kept.Length; i += 4)
                {
                    c[LowKey(kept[i])]++;
                    c[stride + LowKey(kept[i + 1])]++;
                    c[2 * stride + LowKey(kept[i + 2])]++;
                    c[3 * stride + LowKey(kept[i + 3])]++;
                }
                for (; i < kept.Length; i++) c[LowKey(kept[i])]++;
            }
            var low = Histogram.AsSpan(0, LowBins);
            for (int bin = 0; bin < LowBins; bin++) low[bin] = c[bin] + c[stride + bin] + c[2 * stride + bin] + c[3 * stride + bin];
            Finish(low, _below);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(copies);
        }
    }

    /// <summary>The low 16 bits of a magnitude in the rank's high bin, else <see cref="LowBins"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int LowKey(uint m)
    {
        uint other = ((m >> 16) ^ _prefix) == 0 ? 0u : 1u;
        return (int)((m & 0xFFFF) & (other - 1) | (other << 16));
    }

    private void GuessWindow(ReadOnlySpan<uint> bits)
    {
        var sample = ArrayPool<uint>.Shared.Rent(bits.Length);
        try
        {
            var s = Magnitudes(bits, sample);
            // Two order statistics of the chunk, not a sort of it.
            double q = (double)_rank / _length;
            int lo = (int)Math.Clamp((q - WindowMargin) * s.Length, 0, s.Length - 1);
            int hi = (int)Math.Clamp((q + WindowMargin) * s.Length, 0, s.Length - 1);
            Span<uint> bounds = stackalloc uint[2];
            OrderStatistics.Select(s, [lo, hi], bounds);
            _windowLo = bounds[0];
            _windowHi = bounds[1];
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(sample);
        }
    }

    private void AllocateWindow(int expected)
    {
        int initial = Math.Min(_capacity, expected) + 64;
        _kept = new NativeList<uint>(initial);
        if (_recordIndices) _indices = new NativeList<int>(initial);
    }

    private void ReturnWindow()
    {
        _kept?.Dispose();
        _indices?.Dispose();
        _kept = null;
        _indices = null;
        foreach (var (kept, indices, _) in _joined ?? [])
        {
            kept.Dispose();
            indices?.Dispose();
        }
        _joined = null;
    }

    /// <summary>Counts the magnitudes below the window (SIMD) and appends those inside it.</summary>
    private void CountWindow(ReadOnlySpan<uint> bits)
    {
        // Room for the whole chunk is made first, so that the loops below hold no call (a call in a loop makes the
        // JIT keep its vectors in memory).
        MakeRoom(bits.Length);
        int start = 0;
        if (Avx512F.IsSupported) start = CountWindowCompressed(bits);
        else if (Avx2.IsSupported) start = CountWindowPacked(bits);
        else if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<uint>.Count;
            var abs = new Vector<uint>(0x7FFFFFFF);
            var lo = new Vector<uint>(_windowLo);
            var span = new Vector<uint>(_windowHi - _windowLo);
            var below = Vector<int>.Zero;
            for (; start + width <= bits.Length; start += width)
            {
                var m = Vector.LoadUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(bits), (nuint)start) & abs;
                below -= Vector.AsVectorInt32(Vector.LessThan(m, lo));
                if (_kept is null || !Vector.LessThanOrEqualAny(m - lo, span)) continue;
                Keep(bits.Slice(start, width), start);
            }
            _belowWindow += Vector.Sum(below);
        }
        var rest = bits[start..];
        foreach (var b in rest)
            if ((b & 0x7FFFFFFF) < _windowLo) _belowWindow++;
        if (_kept is not null) Keep(rest, start);
    }

    /// <summary>The window pass over blocks of 8 through <see cref="WindowLanes"/>. Returns the elements consumed.</summary>
    private int CountWindowPacked(ReadOnlySpan<uint> bits)
    {
        ref uint source = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(bits);
        var abs = Vector256.Create(0x7FFFFFFF);
        int start = 0;
        if (!TryOpenWindow(bits.Length, out var lanes))
        {
            // Magnitudes and the threshold lie below 2³¹, so signed compares order them.
            var lo = Vector256.Create((int)_windowLo);
            var below = Vector256<int>.Zero;
            for (; start + 8 <= bits.Length; start += 8)
                below -= Vector256.LessThan(Vector256.LoadUnsafe(ref source, (nuint)start).AsInt32() & abs, lo);
            _belowWindow += Vector256.Sum(below);
            return start;
        }
        var index = Vector256<int>.Indices + Vector256.Create(_offset);
        for (; start + 8 <= bits.Length; start += 8)
            lanes.Add(Vector256.LoadUnsafe(ref source, (nuint)start).AsInt32() & abs, index + Vector256.Create(start));
        CloseWindow(lanes);
        return start;
    }

    /// <summary>
    /// Opens the window pass for a loop that adds up to <paramref name="elements"/> magnitudes through
    /// <paramref name="lanes"/>, their indices recorded when the selector records them; then <see cref="CloseWindow"/>.
    /// False when the pass holds no window (never set, or given up: the list passed its capacity) or the hardware
    /// lacks AVX2; then the chunk goes through <see cref="Count"/>.
    /// </summary>
    public bool TryOpenWindow(int elements, out WindowLanes lanes)
    {
        lanes = default;
        if (_phase != Phase.Window || !Avx2.IsSupported) return false;
        MakeRoom(elements);
        if (_kept is null) return false;
        lanes = new WindowLanes(_kept.Pointer, _indices is null ? null : _indices.Pointer, _windowLo, _windowHi, _keptCount);
        return true;
    }

    /// <summary>Takes back what a loop added through <paramref name="lanes"/> (see <see cref="TryOpenWindow"/>).</summary>
    public void CloseWindow(in WindowLanes lanes)
    {
        _keptCount = lanes.Count;
        _belowWindow += lanes.Below;
    }

    /// <summary>
    /// <see cref="CountWindowPacked"/> over blocks of 16 through <see cref="WindowLanes"/>'s AVX-512 lanes. Returns the
    /// elements consumed.
    /// </summary>
    private int CountWindowCompressed(ReadOnlySpan<uint> bits)
    {
        ref uint source = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(bits);
        var abs = Vector512.Create(0x7FFFFFFF);
        int start = 0;
        if (!TryOpenWindow(bits.Length, out var lanes))
        {
            var lo = Vector512.Create((int)_windowLo);
            var below = Vector512<int>.Zero;
            for (; start + 16 <= bits.Length; start += 16)
                below -= Vector512.LessThan(Vector512.LoadUnsafe(ref source, (nuint)start).AsInt32() & abs, lo);
            _belowWindow += Vector512.Sum(below);
            return start;
        }
        var index = Vector512<int>.Indices + Vector512.Create(_offset);
        for (; start + 16 <= bits.Length; start += 16)
            lanes.Add(Vector512.LoadUnsafe(ref source, (nuint)start).AsInt32() & abs, index + Vector512.Create(start));
        CloseWindow(lanes);
        return start;
    }

    /// <summary>
    /// Makes room for <paramref name="elements"/> more kept magnitudes plus a SIMD block's overhang; gives up the
    /// window (the rank is then found by the histogram passes) once the kept list passes its capacity.
    /// </summary>
    private void MakeRoom(int elements)
    {
        if (_kept is null) return;
        if (_keptCount > _capacity)
        {
            ReturnWindow();
            return;
        }
        int needed = _keptCount + elements + 16;
        if (needed <= _kept.Capacity) return;
        int size = Math.Max(needed, Math.Min(_capacity, _kept.Capacity * 2) + 64);
        _kept.Grow(size);
        _indices?.Grow(size);
    }

    /// <summary>
    /// Appends the magnitudes inside the window of a block that starts at chunk element <paramref name="start"/> (a
    /// write per element, an advance per hit); room is made beforehand.
    /// </summary>
    private void Keep(ReadOnlySpan<uint> block, int start)
    {
        for (int j = 0; j < block.Length; j++)
        {
            var m = block[j] & 0x7FFFFFFF;
            _kept!.Pointer[_keptCount] = m;
            if (_indices is not null) _indices.Pointer[_keptCount] = _offset + start + j;
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
        if (_histogram is not null) ArrayPool<int>.Shared.Return(_histogram);
        ReturnWindow();
    }
}

/// <summary>
/// The keep pass of a rank range, fed the tensor's chunks in index order, branch-free per SIMD block: elements
/// strictly inside the threshold magnitudes are kept and those outside zeroed; equal elements are counted in index
/// order (the first lo − lessLo equal to the low threshold rank below lo, equal ones from the (hi − lessHi + 1)-th on
/// rank at hi or above) while a quota is open, and only a block in which that count crosses a quota goes through the
/// scalar rule; once both quotas are filled, plain compares decide.
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
        if (Vector256.IsHardwareAccelerated)
        {
            var thresholds = Thresholds();
            ref uint b0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(bits);
            for (; i + 8 <= bits.Length && QuotaOpen(thresholds); i += 8)
                KeepBlock(Vector256.LoadUnsafe(ref b0, (nuint)i), thresholds).StoreUnsafe(ref b0, (nuint)i);
            if (!QuotaOpen(thresholds)) i = KeepClosed(bits, i, thresholds);
        }
        ApplyScalar(bits[i..]);
    }

    private readonly bool QuotaOpen(in BlockThresholds t) => _seenLo < t.QuotaLow || (t.HasHigh && _seenHi < t.QuotaHigh);

    /// <summary>
    /// The blocks of 8 from <paramref name="from"/> once both quotas are filled: the low threshold's equal elements
    /// are then kept and the high one's dropped whatever their count, so one compare per threshold decides (the
    /// counts no longer matter and are not kept up). Returns the elements done.
    /// </summary>
    private static int KeepClosed(Span<uint> bits, int from, in BlockThresholds t)
    {
        ref uint b0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(bits);
        var abs = Vector256.Create(0x7FFFFFFF);
        int i = from;
        for (; i + 8 <= bits.Length; i += 8)
        {
            var v = Vector256.LoadUnsafe(ref b0, (nuint)i);
            var m = v.AsInt32() & abs;
            var keep = Vector256.GreaterThanOrEqual(m, t.Low);
            if (t.HasHigh) keep &= Vector256.LessThan(m, t.High);
            (v & keep.AsUInt32()).StoreUnsafe(ref b0, (nuint)i);
        }
        return i;
    }

    /// <summary>The thresholds broadcast into vectors once, for <see cref="KeepBlock"/>.</summary>
    private readonly BlockThresholds Thresholds() => new(
        Vector256.Create((int)_lo), Vector256.Create((int)_hi), Vector256.Create((int)_equalLoBits), Vector256.Create((int)_equalHiBits),
        _rankLo - _lessLo, _rankHi - _lessHi, _equalHiBits != Never);

    /// <summary>
    /// The next 8 elements (float bits, index order) with the dropped ones zeroed, branch-free: a threshold's equal
    /// elements are counted (mask bits, popcount) only while its quota is still open, and a side without a threshold
    /// costs nothing; only a block in which a count crosses its quota goes through the scalar rule.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private Vector256<uint> KeepBlock(Vector256<uint> block, in BlockThresholds t)
    {
        // Magnitudes lie below 2³¹ and Never reads as -1, so signed compares order them and never match Never.
        var m = block.AsInt32() & Vector256.Create(0x7FFFFFFF);
        var keep = ~(Vector256.LessThan(m, t.Low) | Vector256.GreaterThan(m, t.High));
        // Below its quota the low threshold's equal elements rank below lo (dropped), from it on they are kept;
        // the high threshold's are kept up to its quota, dropped after it.
        bool openLo = _seenLo < t.QuotaLow, openHi = t.HasHigh && _seenHi < t.QuotaHigh;
        var atLo = openLo ? Vector256.Equals(m, t.EqualLow) : Vector256<int>.Zero;
        var atHi = t.HasHigh ? Vector256.Equals(m, t.EqualHigh) : Vector256<int>.Zero;
        int countLo = openLo ? BitOperations.PopCount(atLo.ExtractMostSignificantBits()) : 0;
        int countHi = openHi ? BitOperations.PopCount(atHi.ExtractMostSignificantBits()) : 0;
        if ((openLo && _seenLo + countLo > t.QuotaLow) || (openHi && _seenHi + countHi > t.QuotaHigh))
            return KeepBlockScalar(block);
        keep = Vector256.AndNot(keep, atLo);
        if (!openHi) keep = Vector256.AndNot(keep, atHi);
        _seenLo += countLo;
        _seenHi += countHi;
        return block & keep.AsUInt32();
    }

    /// <summary>A block in which a quota is crossed, element by element (apart, so that <see cref="KeepBlock"/> inlines).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private Vector256<uint> KeepBlockScalar(Vector256<uint> block)
    {
        Span<uint> lanes = stackalloc uint[8];
        block.CopyTo(lanes);
        ApplyScalar(lanes);
        return Vector256.Create<uint>(lanes);
    }

    /// <summary>A keeper's thresholds as vectors (see <see cref="Thresholds"/>).</summary>
    private readonly record struct BlockThresholds(Vector256<int> Low, Vector256<int> High, Vector256<int> EqualLow, Vector256<int> EqualHigh,
        int QuotaLow, int QuotaHigh, bool HasHigh);

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
