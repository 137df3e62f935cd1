using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Evolve.Checkpoints;

/// <summary>
/// Every storage-dtype conversion of the project: F16 and BF16 to float32 when reading, float32 to F16 and BF16 when
/// writing. Span kernels, SIMD through <see cref="Vector{T}"/> or TensorPrimitives, no allocation.
/// </summary>
public static class FloatConversion
{
    /// <summary>The BF16 a NaN becomes, as torch writes it: a positive quiet NaN whatever the input's sign or payload.</summary>
    public const ushort BFloat16NaN = 0x7FC0;

    /// <summary>Decodes F32, F16 or BF16 little-endian bytes into float32.</summary>
    public static void ToSingle(ReadOnlySpan<byte> source, DType dtype, Span<float> destination)
    {
        switch (dtype)
        {
            case DType.F32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case DType.F16:
                HalfToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                break;
            case DType.BF16:
                BFloat16ToSingle(MemoryMarshal.Cast<byte, ushort>(source), destination);
                break;
            default:
                throw new ArgumentException($"dtype {dtype} does not convert to float32", nameof(dtype));
        }
    }

    /// <summary>Encodes float32 values as F32, F16 or BF16 little-endian bytes (round to nearest even).</summary>
    public static void FromSingle(ReadOnlySpan<float> source, DType dtype, Span<byte> destination)
    {
        switch (dtype)
        {
            case DType.F32:
                source.CopyTo(MemoryMarshal.Cast<byte, float>(destination));
                break;
            case DType.F16:
                SingleToHalf(source, MemoryMarshal.Cast<byte, Half>(destination));
                break;
            case DType.BF16:
                SingleToBFloat16(source, MemoryMarshal.Cast<byte, ushort>(destination));
                break;
            default:
                throw new ArgumentException($"float32 does not convert to dtype {dtype}", nameof(dtype));
        }
    }

    public static void HalfToSingle(ReadOnlySpan<Half> source, Span<float> destination)
    {
        CheckLengths(source.Length, destination.Length);
        TensorPrimitives.ConvertToSingle(source, destination);
    }

    public static void SingleToHalf(ReadOnlySpan<float> source, Span<Half> destination)
    {
        CheckLengths(source.Length, destination.Length);
        TensorPrimitives.ConvertToHalf(source, destination);
    }

    /// <summary>BF16 is the upper half of a float32: widen each element and shift it left by 16 bits.</summary>
    public static void BFloat16ToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        CheckLengths(source.Length, destination.Length);
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)source.Length;
        nuint i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            nuint step = (nuint)Vector<ushort>.Count;
            nuint half = (nuint)Vector<uint>.Count;
            for (; i + step <= n; i += step)
            {
                var (low, high) = WidenBFloat16(ref src, i);
                low.StoreUnsafe(ref dst, i);
                high.StoreUnsafe(ref dst, i + half);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref dst, i) = BFloat16ToSingle(Unsafe.Add(ref src, i));
    }

    /// <summary>One BF16 word as float32: the word is the float's upper half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float BFloat16ToSingle(ushort word) => BitConverter.UInt32BitsToSingle((uint)word << 16);

    /// <summary>The <see cref="Vector{T}"/> of BF16 words at <paramref name="source"/>[<paramref name="index"/>] as two float vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector<float> Low, Vector<float> High) WidenBFloat16(ref ushort source, nuint index)
    {
        Vector.Widen(Vector.LoadUnsafe(ref source, index), out Vector<uint> low, out Vector<uint> high);
        return (Vector.AsVectorSingle(low << 16), Vector.AsVectorSingle(high << 16));
    }

    /// <summary>8 BF16 words as floats, widened in one register (AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> WidenBFloat16(Vector128<ushort> words) => (Avx2.ConvertToVector256Int32(words) << 16).AsSingle();

    /// <summary>16 BF16 words as floats, widened in one register (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> WidenBFloat16(Vector256<ushort> words) => (Avx512F.ConvertToVector512Int32(words) << 16).AsSingle();

    /// <summary>
    /// float32 to BF16 exactly as torch rounds: to nearest, ties to even (add 0x7FFF plus the kept lowest bit, then
    /// truncate); overflow becomes infinity; every NaN becomes <see cref="BFloat16NaN"/>.
    /// </summary>
    public static void SingleToBFloat16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        CheckLengths(source.Length, destination.Length);
        ref var src = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(source));
        ref var dst = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)source.Length;
        nuint i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            nuint step = (nuint)Vector<ushort>.Count;
            nuint half = (nuint)Vector<uint>.Count;
            for (; i + step <= n; i += step)
            {
                var low = RoundToBFloat16(Vector.LoadUnsafe(ref src, i));
                var high = RoundToBFloat16(Vector.LoadUnsafe(ref src, i + half));
                Vector.Narrow(low, high).StoreUnsafe(ref dst, i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref dst, i) = RoundToBFloat16(Unsafe.Add(ref src, i));
    }

    internal static ushort RoundToBFloat16(uint bits)
    {
        if ((bits & 0x7FFF_FFFFu) > 0x7F80_0000u)
            return BFloat16NaN;
        return (ushort)((bits + ((bits >> 16) & 1u) + 0x7FFFu) >> 16);
    }

    internal static Vector<uint> RoundToBFloat16(Vector<uint> bits)
    {
        var rounded = (bits + ((bits >> 16) & Vector<uint>.One) + new Vector<uint>(0x7FFFu)) >> 16;
        var isNaN = Vector.GreaterThan(bits & new Vector<uint>(0x7FFF_FFFFu), new Vector<uint>(0x7F80_0000u));
        return Vector.ConditionalSelect(isNaN, new Vector<uint>(BFloat16NaN), rounded);
    }

    /// <summary><see cref="RoundToBFloat16(Vector{uint})"/> on 8 lanes.</summary>
    internal static Vector256<uint> RoundToBFloat16(Vector256<uint> bits)
    {
        var rounded = (bits + ((bits >> 16) & Vector256<uint>.One) + Vector256.Create(0x7FFFu)) >> 16;
        var isNaN = Vector256.GreaterThan(bits & Vector256.Create(0x7FFF_FFFFu), Vector256.Create(0x7F80_0000u));
        return Vector256.ConditionalSelect(isNaN, Vector256.Create((uint)BFloat16NaN), rounded);
    }

    /// <summary>
    /// 16 floats rounded to BF16 words as <see cref="RoundToBFloat16(uint)"/> rounds. The rounding bias is added to
    /// each float's bits in place, and one word permutation (a single port-5 operation with AVX-512BW) gathers the
    /// high halves, where a shift and a narrowing move take three; the NaN test compares the floats themselves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ushort> ToBFloat16(Vector512<float> values)
    {
        var bits = values.AsUInt32();
        var biased = bits + ((bits >> 16) & Vector512<uint>.One) + Vector512.Create(0x7FFFu);
        biased = Vector512.ConditionalSelect(Vector512.IsNaN(values).AsUInt32(), Vector512.Create((uint)BFloat16NaN << 16), biased);
        // The odd words in order, then the even ones (unused).
        if (Avx512BW.IsSupported)
            return Avx512BW.PermuteVar32x16(biased.AsUInt16(), Vector512.Create(
                (ushort)1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)).GetLower();
        return Avx512F.ConvertToVector256UInt16(biased >> 16);
    }

    private static void CheckLengths(int source, int destination)
    {
        if (source != destination)
            throw new ArgumentException($"source holds {source} elements but destination {destination}");
    }
}
