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
    private readonly uint _lo, _hi;
    private Vector256<int> _below;
    private Vector512<int> _below512;

    /// <param name="kept">The kept list, with room for 8 more than will be added.</param>
    /// <param name="indices">The element indices beside it, or null when they are not recorded.</param>
    public WindowLanes(uint* kept, int* indices, uint lo, uint hi, int count)
    {
        _kept = kept;
        _indices = indices;
        _lo = lo;
        _hi = hi;
        Count = count;
    }

    /// <summary>Entries in the kept list.</summary>
    public int Count { get; private set; }

    /// <summary>Magnitudes added that lie below the window.</summary>
    public readonly long Below => Vector256.Sum(_below) + (long)Vector512.Sum(_below512);

    /// <summary>Adds 8 magnitudes (below 2³¹) and their element indices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Vector256<int> magnitudes, Vector256<int> indices)
    {
        // Magnitudes and the window's bounds lie below 2³¹, so signed compares order them.
        var under = Vector256.LessThan(magnitudes, Vector256.Create((int)_lo));
        _below -= under;
        uint inside = (~(under | Vector256.GreaterThan(magnitudes, Vector256.Create((int)_hi)))).ExtractMostSignificantBits();
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
        var under = Vector512.LessThan(magnitudes, Vector512.Create((int)_lo));
        _below512 -= under;
        var inside = ~(under | Vector512.GreaterThan(magnitudes, Vector512.Create((int)_hi)));
        Avx512F.Compress(Vector512<int>.Zero, inside, magnitudes).Store((int*)_kept + Count);
        if (_indices is not null) Avx512F.Compress(Vector512<int>.Zero, inside, indices).Store(_indices + Count);
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
