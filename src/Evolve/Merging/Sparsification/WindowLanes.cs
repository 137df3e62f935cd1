using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Evolve.Merging.Sparsification;

/// <summary>
/// A <see cref="MagnitudeRankSelector"/>'s window pass held in registers, for a loop that hands it 8 magnitudes at a
/// time alongside other work (<see cref="MagnitudeRankSelector.TryOpenWindow"/>, then
/// <see cref="MagnitudeRankSelector.CloseWindow"/>). Branch-free per block: a compare counts the magnitudes below the
/// window, and those inside it are left-packed by a lane permutation (<see cref="PackIndices"/>) and stored at the
/// end of the kept list, which advances by their count; 16 at a time with AVX-512, whose compress instruction packs
/// them itself. Needs AVX2. Unmanaged (the lists live in native memory), so
/// that a loop over several task vectors can hold one per vector on the stack.
/// </summary>
internal unsafe struct WindowLanes
{
    private readonly uint* _kept;
    private readonly int* _indices;
    // The bounds broadcast once (the JIT does not hoist a broadcast out of the loop that calls Add); no more fields, or
    // the JIT stops keeping the struct in registers.
    private readonly Vector512<int> _lo, _span;
    private Vector256<int> _below;
    private long _below512;

    /// <param name="kept">The kept list, with room for 8 more than will be added.</param>
    /// <param name="indices">The element indices beside it, or null when they are not recorded.</param>
    public WindowLanes(uint* kept, int* indices, uint lo, uint hi, int count)
    {
        _kept = kept;
        _indices = indices;
        _lo = Vector512.Create((int)lo);
        _span = Vector512.Create((int)(hi - lo));
        Count = count;
    }

    /// <summary>Entries in the kept list.</summary>
    public int Count { get; private set; }

    /// <summary>Magnitudes added that lie below the window.</summary>
    public readonly long Below => Vector256.Sum(_below) + _below512;

    /// <summary>Adds 8 magnitudes (below 2³¹) and their element indices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Vector256<int> magnitudes, Vector256<int> indices)
    {
        // Magnitudes and the window's bounds lie below 2³¹, so signed compares order them.
        var under = Vector256.LessThan(magnitudes, _lo.GetLower());
        _below -= under;
        uint inside = (~(under | Vector256.GreaterThan(magnitudes, _lo.GetLower() + _span.GetLower()))).ExtractMostSignificantBits();
        var permutation = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(PackIndices), (int)inside);
        Avx2.PermuteVar8x32(magnitudes, permutation).AsUInt32().Store(_kept + Count);
        if (_indices is not null) Avx2.PermuteVar8x32(indices, permutation).Store(_indices + Count);
        Count += BitOperations.PopCount(inside);
    }

    /// <summary>
    /// <see cref="Add(Vector256{int}, Vector256{int})"/> for 16 magnitudes, where the hardware packs the lanes inside
    /// the window itself (AVX-512 vpcompressd); the kept list needs room for 16 more.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Vector512<int> magnitudes, Vector512<int> indices)
    {
        // Each a compare straight into a mask register: with 512-bit vectors only two ports execute vector
        // operations, and turning a mask into a vector and back costs two of them. The count below goes through a
        // scalar popcount; the window is one unsigned compare of the offset from its low bound.
        _below512 += BitOperations.PopCount(Vector512.LessThan(magnitudes, _lo).ExtractMostSignificantBits());
        // Unsigned throughout: a reinterpreted mask would make the JIT turn it into a vector and back.
        var inside = Vector512.LessThanOrEqual((magnitudes - _lo).AsUInt32(), _span.AsUInt32());
        Avx512F.Compress(Vector512<uint>.Zero, inside, magnitudes.AsUInt32()).Store(_kept + Count);
        if (_indices is not null) Avx512F.Compress(Vector512<uint>.Zero, inside, indices.AsUInt32()).Store((uint*)_indices + Count);
        Count += BitOperations.PopCount(inside.ExtractMostSignificantBits());
    }

    /// <summary>Per 8-bit lane mask, the lanes whose bit is set, in order (then unused lanes): a left-pack permutation.</summary>
    private static readonly Vector256<int>[] PackIndices = Enumerable.Range(0, 256).Select(mask =>
    {
        var lanes = Enumerable.Range(0, 8).Where(l => (mask >> l & 1) != 0).ToList();
        while (lanes.Count < 8) lanes.Add(0);
        return Vector256.Create(lanes.ToArray());
    }).ToArray();
}
