using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Evolve.Checkpoints;
using Evolve.Merging.Kernels;

namespace Evolve.Merging.Sparsification;

/// <summary>
/// The magnitude rank mask (keep ascending ranks ≥ <c>rank</c>, equal magnitudes ordered by index) decided in the
/// same pass that ranks, so that a merge reads its inputs once instead of twice.
/// <para>
/// Before the pass, a sample spread over the whole tensor (<see cref="Begin"/>) gives the rank's magnitude
/// neighbourhood (the selector's window, <see cref="WindowSigmas"/> standard errors of the sample quantile on each
/// side) and a provisional rule: the exact rule applied to the sample, i.e. the magnitude P at the rank's quantile,
/// and for the elements equal to P the index from which they are kept (the fraction of P's equals that rank below
/// the quantile, spread over the tensor). Each chunk is masked by that rule while the selector counts it. After the
/// pass the exact threshold is known, and <see cref="AddCorrections"/> lists the elements the rule decided wrongly
/// (those between P and the exact threshold: about a standard error of the sample quantile, a few tenths of a per
/// cent), for the caller to recompute with <see cref="Keeps"/>. <see cref="Finish"/> fails, and the caller falls
/// back to separate passes, when the rank fell outside the window.
/// </para>
/// <para>
/// A sample rather than the first chunks: the rows of a weight matrix differ in scale, so a prefix of the tensor
/// can be far from the whole (a quantile estimated on the first rows of a tensor whose scale drifts misses the rank
/// altogether), while evenly spread blocks see every part of it.
/// </para>
/// </summary>
internal sealed class ProvisionalMagnitudeMask : IDisposable
{
    /// <summary>Standard errors of the sample quantile on each side of the window.</summary>
    private const double WindowSigmas = 5;
    /// <summary>Quantile added on each side beyond them, for samples whose blocks are not independent elements.</summary>
    private const double WindowSlack = 2e-3;
    private readonly MagnitudeRankSelector _selector;
    private MagnitudeRankSelector[] _ranges = [];
    private int _expected;
    private readonly int _rank, _length;
    private MagnitudeRule _rule;
    private MagnitudeRule _exact;

    /// <param name="rank">Lowest ascending magnitude rank kept.</param>
    /// <param name="length">Elements of the tensor.</param>
    public ProvisionalMagnitudeMask(int rank, int length)
    {
        _rank = rank;
        _length = length;
        _selector = new MagnitudeRankSelector(rank, length, recordIndices: true);
    }

    /// <summary>Sets the window and the provisional rule from <paramref name="sample"/>: task-vector values spread evenly over the tensor.</summary>
    public void Begin(ReadOnlySpan<float> sample)
    {
        int s = sample.Length;
        var copy = ArrayPool<uint>.Shared.Rent(s);
        try
        {
            var c = MagnitudeRankSelector.Magnitudes(MemoryMarshal.Cast<float, uint>(sample), copy);
            double q = (double)_rank / _length;
            double margin = WindowSigmas * Math.Sqrt(q * (1 - q) / s) + WindowSlack;
            int at = (int)Math.Min(q * s, s - 1);
            int lo = (int)Math.Floor((q - margin) * s), hi = (int)Math.Ceiling((q + margin) * s);
            Span<uint> order = stackalloc uint[3];
            OrderStatistics.Select(c, [Math.Max(lo, 0), at, Math.Min(hi, s - 1)], order);
            uint threshold = order[1];
            var (less, equal) = MagnitudeRankSelector.CountLessAndEqual(c, threshold);
            uint low = lo <= 0 ? 0 : order[0];
            uint high = hi >= s - 1 ? 0x7FFFFFFF : order[2];
            _rule = new MagnitudeRule(threshold, (int)((double)(at - less) / equal * _length));
            var (belowHigh, atHigh) = MagnitudeRankSelector.CountLessAndEqual(c, high);
            int inside = belowHigh + atHigh - MagnitudeRankSelector.CountLessAndEqual(c, low).Less;
            // The sample's share inside the window, with a standard error's margin and more.
            double share = (double)inside / s;
            _expected = (int)Math.Min(int.MaxValue - 64, (share + 4 * Math.Sqrt(share / s) + 1e-3) * _length);
            _selector.StartWindow(low, high, _expected);
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(copy);
        }
    }

    /// <summary>Counts the chunk that starts at element <paramref name="offset"/> and zeroes the elements the provisional rule drops.</summary>
    public void Apply(Span<float> chunk, int offset, int range = 0)
    {
        Selector(range).Count(chunk, offset);
        var bits = MemoryMarshal.Cast<float, uint>(chunk);
        int split = Math.Clamp(_rule.EqualFrom - offset, 0, bits.Length);
        KeepAtLeast(bits[..split], _rule.Threshold + 1);
        KeepAtLeast(bits[split..], _rule.Threshold);
    }

    /// <summary>
    /// <see cref="Apply"/> to the task vector x − b of the chunk that starts at element <paramref name="offset"/>,
    /// written to <paramref name="delta"/>, with x given as BF16 words: each block of 16 (AVX-512) or 8 is widened,
    /// subtracted, counted and masked in registers, one pass instead of a conversion and two passes over a float
    /// chunk. The same float subtraction as <see cref="StoredBlend.Difference"/>, hence the same values.
    /// </summary>
    public void ApplyDifference(ReadOnlySpan<ushort> x, ReadOnlySpan<float> b, Span<float> delta, int offset, int range = 0)
    {
        var selector = Selector(range);
        int n = delta.Length;
        if (x.Length != n || b.Length != n) throw new ArgumentException("lengths differ");
        int j = 0;
        if (selector.TryOpenWindow(n, out var window))
        {
            ref ushort x0 = ref MemoryMarshal.GetReference(x);
            ref float b0 = ref MemoryMarshal.GetReference(b);
            ref float d0 = ref MemoryMarshal.GetReference(delta);
            var rule = _rule;
            if (Avx512F.IsSupported) j = ApplyDifference512(ref x0, ref b0, ref d0, n, offset, rule, ref window);
            var abs = Vector256.Create(0x7FFFFFFF);
            var index = Vector256<int>.Indices + Vector256.Create(offset + j);
            var eight = Vector256.Create(8);
            for (; j + 8 <= n; j += 8, index += eight)
            {
                var d = FloatConversion.WidenBFloat16(Vector128.LoadUnsafe(ref x0, (nuint)j)) - Vector256.LoadUnsafe(ref b0, (nuint)j);
                var m = d.AsInt32() & abs;
                window.Add(m, index);
                (d & rule.Keeps(m, index).AsSingle()).StoreUnsafe(ref d0, (nuint)j);
            }
            selector.CloseWindow(window);
        }
        if (j == n) return;
        var rest = delta[j..];
        StoredBlend.Difference(MemoryMarshal.AsBytes(x[j..]), DType.BF16, b[j..], rest);
        Apply(rest, offset + j, range);
    }

    /// <summary>
    /// <see cref="ApplyDifference"/> for two task vectors of the same chunk, <paramref name="first"/>'s x − b and
    /// <paramref name="second"/>'s y − b, with the base b also given as BF16 words and widened into
    /// <paramref name="b"/> on the way: with AVX-512, one loop over the three inputs, which stream side by side
    /// instead of one after the other (the loads of three streams overlap where one stream's would wait).
    /// </summary>
    public static void ApplyDifferences(ProvisionalMagnitudeMask first, ProvisionalMagnitudeMask second, ReadOnlySpan<ushort> x, ReadOnlySpan<ushort> y,
        ReadOnlySpan<ushort> baseWords, Span<float> b, Span<float> dx, Span<float> dy, int offset, int range = 0)
    {
        int n = dx.Length;
        if (x.Length != n || y.Length != n || dy.Length != n || b.Length != n || baseWords.Length != n) throw new ArgumentException("lengths differ");
        int j = 0;
        var sx = first.Selector(range);
        var sy = second.Selector(range);
        if (Avx512F.IsSupported && sx.TryOpenWindow(n, out var wx))
        {
            if (sy.TryOpenWindow(n, out var wy))
            {
                j = ApplyDifferences512(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), ref MemoryMarshal.GetReference(baseWords),
                    ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(dx), ref MemoryMarshal.GetReference(dy), n, offset,
                    first._rule, second._rule, ref wx, ref wy);
                sy.CloseWindow(wy);
            }
            sx.CloseWindow(wx);
        }
        if (j == n) return;
        FloatConversion.BFloat16ToSingle(baseWords[j..], b[j..]);
        first.ApplyDifference(x[j..], b[j..], dx[j..], offset + j, range);
        second.ApplyDifference(y[j..], b[j..], dy[j..], offset + j, range);
    }

    /// <summary><see cref="ApplyDifferences"/>' blocks of 16; returns the elements done (see <see cref="ApplyDifference512"/>).</summary>
    private static int ApplyDifferences512(ref ushort x0, ref ushort y0, ref ushort w0, ref float b0, ref float dx0, ref float dy0, int n, int offset,
        MagnitudeRule rx, MagnitudeRule ry, ref WindowLanes windowX, ref WindowLanes windowY)
    {
        var lx = windowX;
        var ly = windowY;
        var kx = rx.Broadcast512();
        var ky = ry.Broadcast512();
        var index = Vector512<int>.Indices + Vector512.Create(offset);
        var sixteen = Vector512.Create(16);
        int j = 0;
        for (; j + 16 <= n; j += 16, index += sixteen)
        {
            var b = Widen(ref w0, j);
            b.StoreUnsafe(ref b0, (nuint)j);
            CountAndMask(Widen(ref x0, j) - b, index, offset + j, kx, ref lx, ref dx0, j);
            CountAndMask(Widen(ref y0, j) - b, index, offset + j, ky, ref ly, ref dy0, j);
        }
        windowX = lx;
        windowY = ly;
        return j;
    }

    /// <summary>One block of 16 task-vector values <paramref name="d"/>: counted into the window, masked by the rule and stored at element <paramref name="j"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void CountAndMask(Vector512<float> d, Vector512<int> index, int first, MagnitudeRule.Lanes512 keeps, ref WindowLanes lanes, ref float d0, int j)
    {
        var m = d.AsInt32() & Vector512.Create(0x7FFFFFFF);
        lanes.Add(m, index);
        keeps.Mask(d, m, index, first).StoreUnsafe(ref d0, (nuint)j);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Widen(ref ushort words, int j) => FloatConversion.WidenBFloat16(Vector256.LoadUnsafe(ref words, (nuint)j));

    /// <summary>
    /// <see cref="ApplyDifference"/>'s blocks of 16 (AVX-512); returns the elements done. A method of its own, with
    /// the window's state in locals: inside the larger method the JIT kept the loop's counters and the below count in
    /// memory, and each block waited on their store and reload.
    /// </summary>
    private static int ApplyDifference512(ref ushort x0, ref float b0, ref float d0, int n, int offset, MagnitudeRule rule, ref WindowLanes window)
    {
        var lanes = window;
        var keeps = rule.Broadcast512();
        var index = Vector512<int>.Indices + Vector512.Create(offset);
        var sixteen = Vector512.Create(16);
        int j = 0;
        for (; j + 16 <= n; j += 16, index += sixteen)
            CountAndMask(Widen(ref x0, j) - Vector512.LoadUnsafe(ref b0, (nuint)j), index, offset + j, keeps, ref lanes, ref d0, j);
        window = lanes;
        return j;
    }

    /// <summary>Zeroes the elements whose magnitude is below <paramref name="threshold"/> (at most 2³¹).</summary>
    private static void KeepAtLeast(Span<uint> bits, uint threshold)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && threshold <= int.MaxValue)
        {
            ref uint b0 = ref MemoryMarshal.GetReference(bits);
            // Magnitudes and the threshold lie below 2³¹, so signed compares order them.
            var abs = Vector256.Create(0x7FFFFFFF);
            var t = Vector256.Create((int)threshold);
            for (; i + 8 <= bits.Length; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref b0, (nuint)i);
                (v & Vector256.GreaterThanOrEqual(v.AsInt32() & abs, t).AsUInt32()).StoreUnsafe(ref b0, (nuint)i);
            }
        }
        for (; i < bits.Length; i++)
            if ((bits[i] & 0x7FFFFFFF) < threshold) bits[i] = 0;
    }

    /// <summary>Ends the pass: true when the exact rule is known, false when the rank fell outside the window.</summary>
    public bool Finish()
    {
        foreach (var part in _ranges)
        {
            _selector.JoinWindow(part);
            part.Dispose();
        }
        _ranges = [];
        _selector.EndPass(_rule.Threshold);
        if (_selector.NeedsPass || !_selector.HasWindow) return false;
        uint threshold = _selector.Result(out var countBelow, out _);
        // The first rank − countBelow elements equal to the threshold (index order) rank below the rank.
        int equalFrom = int.MaxValue;
        for (int segment = 0, n = _rank - countBelow; segment < _selector.WindowSegments; segment++)
        {
            int at = NthEqual(_selector.WindowMagnitudes(segment), threshold, ref n);
            if (at < 0) continue;
            equalFrom = _selector.WindowIndices(segment)[at];
            break;
        }
        _exact = new MagnitudeRule(threshold, equalFrom);
        return true;
    }

    /// <summary>
    /// The position of the <paramref name="n"/>-th (0-based) element equal to <paramref name="value"/>, or −1 with
    /// <paramref name="n"/> lowered by the equal elements passed, for the next segment.
    /// </summary>
    private static int NthEqual(ReadOnlySpan<uint> values, uint value, ref int n)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Equal elements are common (quantized task vectors tie in long runs): count them a block at a time.
            ref uint v0 = ref MemoryMarshal.GetReference(values);
            var target = Vector256.Create(value);
            for (; j + 8 <= values.Length; j += 8)
            {
                int count = BitOperations.PopCount(Vector256.Equals(Vector256.LoadUnsafe(ref v0, (nuint)j), target).ExtractMostSignificantBits());
                if (count > n) break;
                n -= count;
            }
        }
        for (; j < values.Length; j++)
            if (values[j] == value && n-- == 0) return j;
        return -1;
    }

    /// <summary>Whether the element at <paramref name="index"/> with task-vector value <paramref name="value"/> is kept (after <see cref="Finish"/>).</summary>
    public bool Keeps(int index, float value) => _exact.Keeps(BitConverter.SingleToUInt32Bits(value) & 0x7FFFFFFF, index);

    /// <summary>
    /// Appends, in index order, the elements whose provisional decision differs from the exact one (after
    /// <see cref="Finish"/>). Only magnitudes inside the window can differ: the window holds both the rule's
    /// threshold and the exact one.
    /// </summary>
    public void AddCorrections(List<int> corrections)
    {
        for (int segment = 0; segment < _selector.WindowSegments; segment++)
            AddCorrections(_selector.WindowMagnitudes(segment), _selector.WindowIndices(segment), corrections);
    }

    private void AddCorrections(ReadOnlySpan<uint> magnitudes, ReadOnlySpan<int> indices, List<int> corrections)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref uint m0 = ref MemoryMarshal.GetReference(magnitudes);
            ref int i0 = ref MemoryMarshal.GetReference(indices);
            for (; j + 8 <= magnitudes.Length; j += 8)
            {
                // Magnitudes lie below 2³¹ and indices are non-negative: signed compares order both.
                var m = Vector256.LoadUnsafe(ref m0, (nuint)j).AsInt32();
                var index = Vector256.LoadUnsafe(ref i0, (nuint)j);
                uint differ = (_exact.Keeps(m, index) ^ _rule.Keeps(m, index)).ExtractMostSignificantBits();
                for (; differ != 0; differ &= differ - 1) corrections.Add(indices[j + BitOperations.TrailingZeroCount(differ)]);
            }
        }
        for (; j < magnitudes.Length; j++)
            if (_exact.Keeps(magnitudes[j], indices[j]) != _rule.Keeps(magnitudes[j], indices[j])) corrections.Add(indices[j]);
    }

    /// <summary>
    /// Splits the pass (after <see cref="Begin"/>) into <paramref name="count"/> ranges of elements in index order,
    /// which may run at once: each counts and records into its own window list (the <c>range</c> argument of
    /// <see cref="Apply"/> and <see cref="ApplyDifference"/>), and <see cref="Finish"/> joins them in range order, so
    /// the outcome is one pass's.
    /// </summary>
    public void SplitRanges(int count)
    {
        if (count <= 1) return;
        int expected = (int)Math.Min(int.MaxValue - 64, 1.1 * _expected / count + 4096);
        _ranges = new MagnitudeRankSelector[count];
        for (int r = 0; r < count; r++) _ranges[r] = _selector.ForRange(expected);
    }

    private MagnitudeRankSelector Selector(int range) => _ranges.Length == 0 ? _selector : _ranges[range];

    public void Dispose()
    {
        foreach (var part in _ranges) part.Dispose();
        _selector.Dispose();
    }
}
