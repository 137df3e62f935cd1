using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Evolve.Merging.Sparsification;

/// <summary>
/// The magnitude rank mask (keep ascending ranks ≥ <c>rank</c>, equal magnitudes ordered by index) decided in the
/// same pass that ranks, so that a merge reads its inputs once instead of twice. Each chunk is masked by a
/// provisional rule while the rank selector counts it; once the pass ends the exact threshold is known, and
/// <see cref="AddCorrections"/> lists the elements whose provisional decision was wrong, for the caller to recompute
/// with <see cref="Keeps"/>. <see cref="Finish"/> fails, and the caller falls back to separate passes, when the rank
/// fell outside the selector's window (guessed from the first chunk, then narrowed as the estimates firm up).
/// <para>
/// The provisional rule is the exact rule applied to the elements seen so far: the magnitude P at the rank's
/// quantile among them, and, for the elements equal to P, the index from which they are kept (the fraction of P's
/// equals that rank below the quantile, spread over the tensor). It is re-estimated after 1, 2, 4 … chunks until a
/// 32nd of the tensor is seen: the quantile's error shrinks as 1/√(elements seen), so the corrections come to a few
/// √n elements (thousands among tens of millions), while the estimates cost a select over a few thousandths of n.
/// </para>
/// </summary>
internal sealed class ProvisionalMagnitudeMask : IDisposable
{
    /// <summary>Estimates stop once this fraction of the tensor has been seen (as a divisor).</summary>
    private const int EstimateUntil = 32;
    /// <summary>Standard errors of the quantile estimate kept on each side of the narrowed window.</summary>
    private const double NarrowSigmas = 6;
    /// <summary>
    /// Quantile kept on each side beyond them: the standard error assumes the prefix seen is like the rest, and a
    /// weight matrix whose rows differ in scale breaks that; a window narrowed too far costs a whole second merge
    /// (the fallback), a wider one only a longer kept list.
    /// </summary>
    private const double NarrowSlack = 2e-3;
    private readonly List<int> _letGo = [];
    private readonly MagnitudeRankSelector _selector;
    private readonly int _rank, _length, _chunk;
    private readonly Rule[] _rules;
    private int _chunksSeen;
    private Rule _rule;
    private Rule _exact;

    /// <summary>Keep magnitudes above <paramref name="Threshold"/>, and those equal to it from element <paramref name="EqualFrom"/> on.</summary>
    private readonly record struct Rule(uint Threshold, int EqualFrom)
    {
        // Non-short-circuit operators: the compares go either way at random, and branches on them mispredict.
        public bool Keeps(uint magnitude, int index) => (magnitude > Threshold) | ((magnitude == Threshold) & (index >= EqualFrom));
    }

    /// <param name="rank">Lowest ascending magnitude rank kept.</param>
    /// <param name="length">Elements of the tensor.</param>
    /// <param name="chunk">Elements per chunk: every chunk but the last has this length and they come in index order.</param>
    public ProvisionalMagnitudeMask(int rank, int length, int chunk)
    {
        _rank = rank;
        _length = length;
        _chunk = chunk;
        _selector = new MagnitudeRankSelector(rank, length, recordIndices: true);
        _rules = new Rule[(length + chunk - 1) / chunk];
    }

    /// <summary>Counts the chunk that starts at element <paramref name="offset"/> and zeroes the elements the provisional rule drops.</summary>
    public void Apply(Span<float> chunk, int offset)
    {
        _selector.Count(chunk, offset);
        _chunksSeen++;
        if (BitOperations.IsPow2(_chunksSeen) && (long)(_chunksSeen / 2) * _chunk * EstimateUntil < _length)
            _rule = Estimate(offset, offset + chunk.Length);
        _rules[offset / _chunk] = _rule;
        var bits = MemoryMarshal.Cast<float, uint>(chunk);
        int split = Math.Clamp(_rule.EqualFrom - offset, 0, bits.Length);
        KeepAtLeast(bits[..split], _rule.Threshold + 1);
        KeepAtLeast(bits[split..], _rule.Threshold);
    }

    /// <summary>
    /// The exact rule for the first <paramref name="seen"/> elements, at the rank's quantile; outside the window, its
    /// edge, so that every element outside the window gets its final decision at once. The window is narrowed to
    /// the quantiles that the final rank can still reach (<see cref="NarrowSigmas"/> standard errors of the
    /// estimate, plus <see cref="NarrowSlack"/>), which keeps it to a few thousandths of the tensor (plus the runs of
    /// equal magnitudes at its edges) instead of the first chunk's ±2 %.
    /// </summary>
    private Rule Estimate(int offset, int seen)
    {
        if (!_selector.HasWindow) return default;
        var magnitudes = _selector.WindowMagnitudes;
        long target = (long)((double)_rank * seen / _length) - _selector.WindowBelow;
        if (target < 0) return new Rule(_selector.WindowLow, 0);
        if (target >= magnitudes.Length) return new Rule(_selector.WindowHigh, int.MaxValue);
        var copy = ArrayPool<uint>.Shared.Rent(magnitudes.Length);
        try
        {
            var c = copy.AsSpan(0, magnitudes.Length);
            magnitudes.CopyTo(c);
            uint threshold = MagnitudeRankSelector.QuickSelect(c, (int)target);
            int less = 0, equal = 0;
            foreach (var m in magnitudes)
            {
                less += m < threshold ? 1 : 0;
                equal += m == threshold ? 1 : 0;
            }
            double droppedEqual = (double)(target - less) / equal;
            var rule = new Rule(threshold, (int)(droppedEqual * _length));

            double q = (double)_rank / _length;
            long margin = (long)Math.Ceiling((NarrowSigmas * Math.Sqrt(q * (1 - q) / seen) + NarrowSlack) * seen);
            uint low = target - margin > 0 ? MagnitudeRankSelector.QuickSelect(c[..(int)target], (int)(target - margin)) : _selector.WindowLow;
            uint high = target + margin < c.Length - 1
                ? MagnitudeRankSelector.QuickSelect(c[(int)target..], (int)margin)
                : _selector.WindowHigh;
            Narrow(offset, low, high);
            return rule;
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(copy);
        }
    }

    /// <summary>
    /// Narrows the selector's window to [<paramref name="low"/>, <paramref name="high"/>]. The magnitudes it lets go
    /// get their final decision now (below: dropped, above: kept, since the exact threshold must lie inside or the
    /// pass fails); those of chunks before <paramref name="offset"/> whose provisional rule decided otherwise are
    /// corrections.
    /// </summary>
    private void Narrow(int offset, uint low, uint high)
    {
        var magnitudes = _selector.WindowMagnitudes;
        var indices = _selector.WindowIndices;
        for (int j = 0; j < magnitudes.Length && indices[j] < offset; j++)
        {
            uint m = magnitudes[j];
            if ((m < low || m > high) && _rules[indices[j] / _chunk].Keeps(m, indices[j]) != m > high)
                _letGo.Add(indices[j]);
        }
        _selector.NarrowWindow(low, high);
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
        _selector.EndPass();
        if (_selector.NeedsPass || !_selector.HasWindow) return false;
        uint threshold = _selector.Result(out var countBelow, out _);
        // The first rank − countBelow elements equal to the threshold (index order) rank below the rank.
        int quota = _rank - countBelow;
        var magnitudes = _selector.WindowMagnitudes;
        var indices = _selector.WindowIndices;
        _exact = new Rule(threshold, int.MaxValue);
        for (int j = 0; j < magnitudes.Length; j++)
            if (magnitudes[j] == threshold && quota-- == 0)
            {
                _exact = new Rule(threshold, indices[j]);
                break;
            }
        return true;
    }

    /// <summary>Whether the element at <paramref name="index"/> with task-vector value <paramref name="value"/> is kept (after <see cref="Finish"/>).</summary>
    public bool Keeps(int index, float value) => _exact.Keeps(BitConverter.SingleToUInt32Bits(value) & 0x7FFFFFFF, index);

    /// <summary>Appends the elements whose provisional decision differs from the exact one (after <see cref="Finish"/>; any order).</summary>
    public void AddCorrections(List<int> corrections)
    {
        corrections.AddRange(_letGo);
        var magnitudes = _selector.WindowMagnitudes;
        var indices = _selector.WindowIndices;
        // Entries come in index order: the chunk's rule advances with them (no division per entry).
        int chunk = 0, end = _chunk;
        var rule = _rules[0];
        for (int j = 0; j < magnitudes.Length; j++)
        {
            uint m = magnitudes[j];
            int index = indices[j];
            while (index >= end)
            {
                rule = _rules[++chunk];
                end += _chunk;
            }
            if (_exact.Keeps(m, index) != rule.Keeps(m, index)) corrections.Add(index);
        }
    }

    public void Dispose() => _selector.Dispose();
}
