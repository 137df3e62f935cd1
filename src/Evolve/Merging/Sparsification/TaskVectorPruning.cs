using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Evolve.Merging.Kernels;

namespace Evolve.Merging.Sparsification;

/// <summary>The per-model settings of one sparsification call.</summary>
/// <param name="Density">Fraction kept; ≥ 1 leaves the vector unchanged.</param>
/// <param name="Gamma">Outlier fraction (breadcrumbs).</param>
/// <param name="Epsilon">Keep-probability half-band (DELLA).</param>
/// <param name="Rescale">Match the pruned vector's L1 norm to the original's.</param>
/// <param name="StreamKey">Counter-random stream of this (tensor, model).</param>
/// <param name="Columns">Row length for row-wise ranking (DELLA).</param>
internal readonly record struct PruneSettings(double Density, double Gamma, double Epsilon, bool Rescale, ulong StreamKey, int Columns);

/// <summary>
/// Sparsifies one task vector with the chosen sparsifier, then applies the optional L1 rescale (mergekit's
/// <c>rescaled_masked_tensor</c>: scale = ‖x‖₁/‖masked‖₁, skipped when either norm is below 1e-7). The vector may be
/// fed chunk by chunk in index order (<see cref="TaskVectorPruner"/>); the whole-span <see cref="Apply"/> is the
/// one-chunk case.
/// </summary>
internal static class TaskVectorPruning
{
    public static void Apply(SparsificationKind kind, Span<float> delta, in PruneSettings s, ScratchArena scratch)
    {
        using var pruner = new TaskVectorPruner(kind, s, delta.Length);
        while (pruner.NeedsRankPass)
        {
            pruner.CountRanks(delta);
            pruner.EndRankPass();
        }
        if (pruner.NeedsNorms)
        {
            Span<float> copy = scratch.Floats(delta.Length);
            delta.CopyTo(copy);
            pruner.Restart();
            pruner.AccumulateNorms(copy, 0);
            pruner.EndNorms();
        }
        pruner.Restart();
        pruner.Prune(delta, 0);
    }
}

/// <summary>
/// The sparsifier and rescale of one task vector over a tensor streamed in chunks (index order, whole rows for
/// DELLA): rank passes when pruning by magnitude rank (<see cref="CountRanks"/>: one, or up to three on a wrong guess), a
/// norm pass when rescaling (<see cref="AccumulateNorms"/>), then <see cref="Prune"/> per chunk. Each pass starts
/// with <see cref="Restart"/>. A pruner made <c>provisional</c> (<see cref="DecidesInOnePass"/>) needs no pass
/// before <see cref="Prune"/>, only a sample (<see cref="BeginProvisional"/>): it ranks while pruning
/// (<see cref="ProvisionalMagnitudeMask"/>), and after <see cref="FinishProvisional"/> names the elements to
/// recompute (<see cref="AddCorrections"/>, <see cref="Exact"/>). The L1 norms are summed in float64 chunk by chunk (each chunk's SIMD float64 sum added
/// in chunk order): chunk boundaries depend only on the tensor, so the scale is the same whatever the thread count.
/// </summary>
internal sealed class TaskVectorPruner : IDisposable
{
    private const double RescaleFloor = 1e-7;
    private readonly SparsificationKind _kind;
    private readonly PruneSettings _s;
    private readonly bool _inactive, _zeroAll;
    private readonly MagnitudeRankSelector? _low, _high;
    private readonly ProvisionalMagnitudeMask? _provisional;
    private readonly int _rankLo, _rankHi;
    private RankRangeKeeper _keeper = RankRangeKeeper.Everything;
    private double _before, _after;
    private readonly ulong[]? _rowKeys;
    private readonly double[]? _rowProbabilities;
    // DELLA's mask costs a sort per row and DARE's a hash per element: the norm pass records which elements it kept,
    // and the final pass reuses it (a bit per element).
    private readonly ulong[]? _kept;
    private float[]? _unmasked;

    /// <summary>
    /// Tensors from this many elements on are pruned by magnitude in the pass that ranks (when allowed): below it the
    /// second read is cheap and the separate passes cost less than the corrections.
    /// </summary>
    internal const int OnePassMinimum = 1 << 20;

    /// <summary>
    /// Whether a pruner of these settings can prune chunks of <paramref name="length"/> elements without a pass
    /// before: no L1 rescale (it needs the final mask's norm first), and no rank select, or a single large one.
    /// </summary>
    public static bool DecidesInOnePass(SparsificationKind kind, in PruneSettings s, int length) =>
        kind == SparsificationKind.None || s.Density >= 1
        || (kind == SparsificationKind.Magnitude && !s.Rescale && length >= OnePassMinimum);

    /// <param name="provisional">
    /// A one-pass prune (when <see cref="DecidesInOnePass"/>): <see cref="BeginProvisional"/> before the chunks.
    /// </param>
    public TaskVectorPruner(SparsificationKind kind, in PruneSettings s, int length, bool provisional = false)
    {
        _kind = kind;
        _s = s;
        _inactive = kind == SparsificationKind.None || s.Density >= 1;
        if (_inactive) return;
        if (kind is SparsificationKind.Magnitude or SparsificationKind.MagnitudeOutliers)
        {
            int n = length;
            var (lo, hi) = kind == SparsificationKind.Magnitude
                ? MagnitudePruning.KeptRanks(n, s.Density)
                : OutlierPruning.KeptRanks(n, s.Density, s.Gamma);
            lo = Math.Max(lo, 0);
            hi = Math.Min(hi, n);
            if (lo == 0 && hi == n) _inactive = true;
            else if (lo >= hi) _zeroAll = true;
            else if (provisional && hi == n)
                _provisional = new ProvisionalMagnitudeMask(lo, n);
            else
            {
                (_rankLo, _rankHi) = (lo, hi);
                if (lo > 0) _low = new MagnitudeRankSelector(lo, n);
                if (hi < n) _high = new MagnitudeRankSelector(hi, n);
            }
        }
        else if (kind == SparsificationKind.Random)
        {
            if (s.Rescale) _kept = ArrayPool<ulong>.Shared.Rent((length + 63) / 64);
        }
        else if (kind == SparsificationKind.RankSampling)
        {
            if (s.Density <= 0)
            {
                _zeroAll = true;
                return;
            }
            int columns = s.Columns > 0 ? s.Columns : length;
            _rowKeys = ArrayPool<ulong>.Shared.Rent(columns);
            _rowProbabilities = ArrayPool<double>.Shared.Rent(columns);
            if (s.Rescale) _kept = ArrayPool<ulong>.Shared.Rent((length + 63) / 64);
        }
    }

    /// <summary>Whether another rank pass over the tensor must run before pruning.</summary>
    public bool NeedsRankPass => (_low?.NeedsPass ?? false) || (_high?.NeedsPass ?? false);

    /// <summary>Whether the norm pass must run before pruning.</summary>
    public bool NeedsNorms => _s.Rescale && !_inactive;

    /// <summary>The factor applied to kept elements (1 without rescale), known after <see cref="EndNorms"/>.</summary>
    public float Scale { get; private set; } = 1;

    public void CountRanks(ReadOnlySpan<float> chunk)
    {
        if (_low is { NeedsPass: true }) _low.Count(chunk);
        if (_high is { NeedsPass: true }) _high.Count(chunk);
    }

    /// <summary>Ends a rank pass; once none is needed, the keep range is ready.</summary>
    public void EndRankPass()
    {
        if (_low is { NeedsPass: true }) _low.EndPass();
        if (_high is { NeedsPass: true }) _high.EndPass();
        if (!NeedsRankPass) EndRanks();
    }

    private void EndRanks()
    {
        if (_low is not null) _keeper = _keeper.WithLow(_low.Result(out var below, out _), below, _rankLo);
        if (_high is not null) _keeper = _keeper.WithHigh(_high.Result(out var below, out _), below, _rankHi);
    }

    /// <summary>Adds a chunk's L1 norm before and after the mask; <paramref name="chunk"/> is pruned in place (unscaled).</summary>
    public void AccumulateNorms(Span<float> chunk, long offset)
    {
        _before += Fp64.SumAbs(chunk);
        if (_kept is not null)
        {
            if (_unmasked is null || _unmasked.Length < chunk.Length)
            {
                if (_unmasked is not null) ArrayPool<float>.Shared.Return(_unmasked);
                _unmasked = ArrayPool<float>.Shared.Rent(chunk.Length);
            }
            var unmasked = _unmasked.AsSpan(0, chunk.Length);
            chunk.CopyTo(unmasked);
            Mask(chunk, offset);
            // A dropped element becomes +0; one already +0 may count as kept, which leaves it +0 all the same.
            var before = MemoryMarshal.Cast<float, uint>(unmasked);
            var after = MemoryMarshal.Cast<float, uint>(chunk);
            int j = RecordBlocks(before, after, offset);
            for (; j < chunk.Length; j++)
            {
                long index = offset + j;
                ref ulong word = ref _kept[index >> 6];
                ulong bit = 1UL << (int)(index & 63);
                word = before[j] == after[j] ? word | bit : word & ~bit;
            }
        }
        else Mask(chunk, offset);
        _after += Fp64.SumAbs(chunk);
    }

    public void EndNorms()
    {
        if (_before >= RescaleFloor && _after >= RescaleFloor) Scale = (float)(_before / _after);
    }

    public void Restart() => _keeper.Restart();

    /// <summary>
    /// Prunes (and rescales) the chunk that starts at tensor index <paramref name="offset"/>; a one-pass prune split
    /// into ranges (<see cref="SplitRanges"/>) is told the chunk's <paramref name="range"/>.
    /// </summary>
    public void Prune(Span<float> chunk, long offset, int range = 0)
    {
        if (_inactive) return;
        if (_provisional is not null)
        {
            _provisional.Apply(chunk, (int)offset, range);
            return;
        }
        if (_kept is not null)
        {
            var bits = MemoryMarshal.Cast<float, uint>(chunk);
            for (int j = ApplyBlocks(bits, offset); j < bits.Length; j++)
            {
                long index = offset + j;
                bits[j] &= (uint)-(long)((_kept[index >> 6] >> (int)(index & 63)) & 1);
            }
        }
        else Mask(chunk, offset);
        if (Scale != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(chunk, Scale, chunk);
    }

    /// <summary>
    /// <see cref="Prune"/> of the task vector x − b, written to <paramref name="delta"/>, with x given as BF16 words:
    /// a one-pass prune (<see cref="ProvisionalMagnitudeMask.ApplyDifference"/>) reads them straight into registers.
    /// </summary>
    public void PruneDifference(ReadOnlySpan<ushort> x, ReadOnlySpan<float> b, Span<float> delta, int offset, int range = 0)
    {
        if (_provisional is not null)
        {
            _provisional.ApplyDifference(x, b, delta, offset, range);
            return;
        }
        int j = _kept is not null ? ApplyDifferenceBlocks(x, b, delta, offset) : 0;
        if (j == delta.Length) return;
        StoredBlend.Difference(MemoryMarshal.AsBytes(x[j..]), Checkpoints.DType.BF16, b[j..], delta[j..]);
        Prune(delta[j..], offset + j, range);
    }

    /// <summary>
    /// <see cref="PruneDifference"/> of two task vectors of the same chunk, x − b by <paramref name="first"/> and
    /// y − b by <paramref name="second"/>, with b given as BF16 words and widened into <paramref name="b"/>: one loop
    /// over the three inputs when both prune in one pass (<see cref="ProvisionalMagnitudeMask.ApplyDifferences"/>).
    /// </summary>
    public static void PruneDifferences(TaskVectorPruner first, TaskVectorPruner second, ReadOnlySpan<ushort> x, ReadOnlySpan<ushort> y,
        ReadOnlySpan<ushort> baseWords, Span<float> b, Span<float> dx, Span<float> dy, int offset, int range = 0)
    {
        if (first._provisional is { } px && second._provisional is { } py)
        {
            ProvisionalMagnitudeMask.ApplyDifferences(px, py, x, y, baseWords, b, dx, dy, offset, range);
            return;
        }
        Checkpoints.FloatConversion.BFloat16ToSingle(baseWords, b);
        first.PruneDifference(x, b, dx, offset, range);
        second.PruneDifference(y, b, dy, offset, range);
    }

    /// <summary>
    /// Splits a one-pass prune (after <see cref="BeginProvisional"/>) into <paramref name="count"/> ranges of elements
    /// that may be pruned at once (<see cref="ProvisionalMagnitudeMask.SplitRanges"/>). The others need nothing: a
    /// pruner that decides in one pass without a rank keeps no state between chunks.
    /// </summary>
    public void SplitRanges(int count) => _provisional?.SplitRanges(count);

    /// <summary>
    /// Records blocks of 8 as one byte of mask bits each (the bitset's words are little-endian, so byte i holds
    /// elements 8i..8i+7) when the chunk starts on a byte; returns the elements done.
    /// </summary>
    private int RecordBlocks(ReadOnlySpan<uint> before, ReadOnlySpan<uint> after, long offset)
    {
        if (!Vector256.IsHardwareAccelerated || !BitConverter.IsLittleEndian || (offset & 7) != 0) return 0;
        var bytes = MemoryMarshal.AsBytes(_kept.AsSpan());
        ref uint b0 = ref MemoryMarshal.GetReference(before);
        ref uint a0 = ref MemoryMarshal.GetReference(after);
        int j = 0;
        for (; j + 8 <= before.Length; j += 8)
            bytes[(int)((offset + j) >> 3)] = (byte)Vector256.Equals(Vector256.LoadUnsafe(ref b0, (nuint)j), Vector256.LoadUnsafe(ref a0, (nuint)j)).ExtractMostSignificantBits();
        return j;
    }

    /// <summary>
    /// <see cref="PruneDifference"/> by the mask bits of the norm pass (see <see cref="RecordBlocks"/>), blocks of 8 in
    /// one pass: widened, subtracted, masked and rescaled in registers, where the difference, the mask and the rescale
    /// each made a pass over the chunk. Returns the elements done. The rescale multiplies by 1 when there is none, which
    /// leaves every difference as it is (a difference is never a signaling NaN).
    /// </summary>
    private int ApplyDifferenceBlocks(ReadOnlySpan<ushort> x, ReadOnlySpan<float> b, Span<float> delta, long offset)
    {
        if (!Vector256.IsHardwareAccelerated || !BitConverter.IsLittleEndian || (offset & 7) != 0) return 0;
        if (x.Length != delta.Length || b.Length != delta.Length) throw new ArgumentException("lengths differ");
        var bytes = MemoryMarshal.AsBytes(_kept.AsSpan());
        var scale = Vector256.Create(Scale);
        ref ushort x0 = ref MemoryMarshal.GetReference(x);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float d0 = ref MemoryMarshal.GetReference(delta);
        int j = 0;
        for (; j + 8 <= delta.Length; j += 8)
        {
            var d = Checkpoints.FloatConversion.WidenBFloat16(Vector128.LoadUnsafe(ref x0, (nuint)j)) - Vector256.LoadUnsafe(ref b0, (nuint)j);
            ((d & KeptLanes(bytes[(int)((offset + j) >> 3)]).AsSingle()) * scale).StoreUnsafe(ref d0, (nuint)j);
        }
        return j;
    }

    /// <summary>Zeroes the dropped elements of blocks of 8 from their byte of mask bits (see <see cref="RecordBlocks"/>); returns the elements done.</summary>
    private int ApplyBlocks(Span<uint> bits, long offset)
    {
        if (!Vector256.IsHardwareAccelerated || !BitConverter.IsLittleEndian || (offset & 7) != 0) return 0;
        var bytes = MemoryMarshal.AsBytes(_kept.AsSpan());
        ref uint x0 = ref MemoryMarshal.GetReference(bits);
        int j = 0;
        for (; j + 8 <= bits.Length; j += 8)
            (Vector256.LoadUnsafe(ref x0, (nuint)j) & KeptLanes(bytes[(int)((offset + j) >> 3)])).StoreUnsafe(ref x0, (nuint)j);
        return j;
    }

    /// <summary>All ones in the lanes whose bit of <paramref name="bits"/> is set (lane i, bit i), else zero.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> KeptLanes(byte bits)
    {
        var lanes = Vector256.Create(1u, 2, 4, 8, 16, 32, 64, 128);
        return Vector256.Equals(Vector256.Create((uint)bits) & lanes, lanes);
    }

    private void Mask(Span<float> chunk, long offset)
    {
        if (_inactive) return;
        if (_zeroAll)
        {
            chunk.Clear();
            return;
        }
        switch (_kind)
        {
            case SparsificationKind.Magnitude:
            case SparsificationKind.MagnitudeOutliers:
                _keeper.Apply(chunk);
                break;
            case SparsificationKind.Random:
                RandomPruning.Apply(chunk, _s.Density, _s.StreamKey, offset);
                break;
            case SparsificationKind.RankSampling:
                RankSamplingPruning.Apply(chunk, _s.Density, _s.Epsilon, _s.Columns, _s.StreamKey, _rowKeys, _rowProbabilities, offset);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(_kind));
        }
    }

    /// <summary>Whether pruning decides provisionally and needs <see cref="BeginProvisional"/> (false when nothing is pruned or everything is).</summary>
    public bool IsProvisional => _provisional is not null;

    /// <summary>Starts a one-pass prune from task-vector values sampled evenly over the tensor (<see cref="ProvisionalMagnitudeMask.Begin"/>).</summary>
    public void BeginProvisional(ReadOnlySpan<float> sample) => _provisional?.Begin(sample);

    /// <summary>
    /// Ends a one-pass prune: false when its rank fell outside the window guessed from the first chunk (then the
    /// tensor must be merged again with separate passes).
    /// </summary>
    public bool FinishProvisional() => _provisional?.Finish() ?? true;

    /// <summary>Appends the elements that a one-pass prune decided wrongly, in index order (after <see cref="FinishProvisional"/>).</summary>
    public void AddCorrections(List<int> corrections) => _provisional?.AddCorrections(corrections);

    /// <summary>The pruned value of element <paramref name="index"/> whose task-vector value is <paramref name="value"/>, by the exact rule.</summary>
    public float Exact(int index, float value)
    {
        if (_inactive) return value;
        if (_zeroAll) return 0;
        if (_provisional is null) throw new InvalidOperationException("element-wise pruning needs a one-pass pruner");
        return _provisional.Keeps(index, value) ? value : 0;
    }

    public void Dispose()
    {
        _provisional?.Dispose();
        _low?.Dispose();
        _high?.Dispose();
        if (_rowKeys is not null) ArrayPool<ulong>.Shared.Return(_rowKeys);
        if (_rowProbabilities is not null) ArrayPool<double>.Shared.Return(_rowProbabilities);
        if (_kept is not null) ArrayPool<ulong>.Shared.Return(_kept);
        if (_unmasked is not null) ArrayPool<float>.Shared.Return(_unmasked);
    }
}
