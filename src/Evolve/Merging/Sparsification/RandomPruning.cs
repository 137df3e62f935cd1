using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Evolve.Merging.Kernels;

namespace Evolve.Merging.Sparsification;

/// <summary>
/// DARE drop: each element survives with probability density, drawn from the counter-based stream of its
/// (tensor, model) so the mask is the same on every run and thread count. <c>offset</c> is the index of x[0] in the
/// tensor when x is a chunk. mergekit draws from torch's global RNG.
/// </summary>
internal static class RandomPruning
{
    public static void Apply(Span<float> x, double density, ulong streamKey, long offset = 0)
    {
        if (density >= 1) return;
        long threshold = MaskRandom.KeepThreshold((float)density);
        // A kept/dropped branch would mispredict about half the time at the usual densities; the draws of a block
        // are computed in 64-bit SIMD lanes, the same arithmetic as MaskRandom's scalar one.
        var bits = MemoryMarshal.Cast<float, uint>(x);
        int i = Vector512.IsHardwareAccelerated ? Apply512(bits, threshold, streamKey, offset) : 0;
        if (Vector.IsHardwareAccelerated && Vector<uint>.Count == 2 * Vector<ulong>.Count)
            i += ApplyVectors(bits[i..], threshold, streamKey, offset + i);
        for (; i < bits.Length; i++)
            bits[i] &= MaskRandom.KeepMask(streamKey, offset + i, threshold);
    }

    /// <summary><see cref="Apply"/>'s blocks of <see cref="Vector{T}"/> lanes; returns the elements done.</summary>
    private static int ApplyVectors(Span<uint> bits, long threshold, ulong streamKey, long offset)
    {
        int lanes = Vector<ulong>.Count;
        var step = new Vector<ulong>((ulong)lanes);
        Span<ulong> first = stackalloc ulong[lanes];
        for (int l = 0; l < lanes; l++) first[l] = (ulong)(offset + l);
        var index = new Vector<ulong>(first);
        var key = new Vector<ulong>(streamKey);
        var limit = new Vector<long>(threshold);
        var vectors = MemoryMarshal.Cast<uint, Vector<uint>>(bits);
        for (int k = 0; k < vectors.Length; k++)
        {
            var low = Vector.LessThan(Vector.AsVectorInt64(Draws(key ^ index)), limit);
            index += step;
            var high = Vector.LessThan(Vector.AsVectorInt64(Draws(key ^ index)), limit);
            index += step;
            vectors[k] &= Vector.Narrow(Vector.AsVectorUInt64(low), Vector.AsVectorUInt64(high));
        }
        return vectors.Length * Vector<uint>.Count;
    }

    /// <summary>
    /// <see cref="Apply"/>'s blocks of 16 with AVX-512; returns the elements done. The draws' 64-bit multiplies take
    /// three micro-operations a vector whatever its width, so 8 lanes a vector halve DARE's mask.
    /// </summary>
    private static int Apply512(Span<uint> bits, long threshold, ulong streamKey, long offset)
    {
        ref uint b0 = ref MemoryMarshal.GetReference(bits);
        var key = Vector512.Create(streamKey);
        var limit = Vector512.Create(threshold);
        var index = Vector512<ulong>.Indices + Vector512.Create((ulong)offset);
        var step = Vector512.Create((ulong)Vector512<ulong>.Count);
        int i = 0;
        for (; i + Vector512<uint>.Count <= bits.Length; i += Vector512<uint>.Count)
        {
            var low = Vector512.LessThan(Draws(key ^ index).AsInt64(), limit);
            index += step;
            var high = Vector512.LessThan(Draws(key ^ index).AsInt64(), limit);
            index += step;
            (Vector512.LoadUnsafe(ref b0, (nuint)i) & Vector512.Narrow(low.AsUInt64(), high.AsUInt64())).StoreUnsafe(ref b0, (nuint)i);
        }
        return i;
    }

    /// <summary><see cref="Draws(Vector{ulong})"/> on 8 lanes.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Draws(Vector512<ulong> x)
    {
        x += Vector512.Create(0x9E3779B97F4A7C15UL);
        x = (x ^ (x >>> 30)) * Vector512.Create(0xBF58476D1CE4E5B9UL);
        x = (x ^ (x >>> 27)) * Vector512.Create(0x94D049BB133111EBUL);
        return (x ^ (x >>> 31)) >>> 40;
    }

    /// <summary>The 24-bit draws of <see cref="MaskRandom.KeepMask"/> for a vector of stream-mixed indices.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector<ulong> Draws(Vector<ulong> x)
    {
        x += new Vector<ulong>(0x9E3779B97F4A7C15UL);
        x = (x ^ Vector.ShiftRightLogical(x, 30)) * new Vector<ulong>(0xBF58476D1CE4E5B9UL);
        x = (x ^ Vector.ShiftRightLogical(x, 27)) * new Vector<ulong>(0x94D049BB133111EBUL);
        return Vector.ShiftRightLogical(x ^ Vector.ShiftRightLogical(x, 31), 40);
    }
}
