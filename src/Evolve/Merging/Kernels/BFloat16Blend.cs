using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Evolve.Checkpoints;

namespace Evolve.Merging.Kernels;

/// <summary>
/// A <see cref="LinearCombination"/> over BF16 inputs (and a BF16 base) in one register pass: for each vector of
/// elements every input is widened, combined and the result rounded and stored before the next vector, so the inputs
/// stream side by side like a plain SIMD sum and no accumulator or float32 copy makes a round trip through cache. Same
/// operations in the same order as <see cref="LinearCombination.Apply"/>, hence the same floats.
/// </summary>
internal static unsafe class BFloat16Blend
{
    /// <summary>
    /// Elements [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) of R into
    /// <paramref name="output"/>, stored as BF16 or float32.
    /// </summary>
    /// <param name="inputs">Each input's first BF16 word, in recipe order.</param>
    /// <param name="baseWords">The base's first BF16 word when the combination is around a base, else null.</param>
    public static void Apply(LinearCombination combination, ReadOnlySpan<nint> inputs, ushort* baseWords, void* output, DType dtype, nint start, nint length)
    {
        if (dtype is not (DType.BF16 or DType.F32)) throw new ArgumentException($"output dtype {dtype} is not BF16 or F32", nameof(dtype));
        if (combination.AroundBase != (baseWords is not null)) throw new ArgumentException("a base is given exactly when the combination is around one", nameof(baseWords));
        int count = inputs.Length;
        var x = stackalloc ushort*[count];
        for (int j = 0; j < count; j++) x[j] = (ushort*)inputs[j];
        int size = dtype.ByteSize();
        fixed (float* c = combination.Coefficients)
        {
            nint i = start, end = start + length;
            // A large output goes past the caches with non-temporal stores: no read of each line before it is
            // overwritten, a quarter less memory traffic for a merge of three BF16 inputs. They need aligned
            // addresses, reached element by element first.
            bool streaming = Vector.IsHardwareAccelerated && Vector<byte>.Count == 32 && Avx.IsSupported && length * size >= StreamingBytes;
            if (streaming)
                for (; i < end && ((nint)((byte*)output + i * size) & 31) != 0; i++) Element(i, c, x, count, baseWords, output, dtype);
            if (Vector.IsHardwareAccelerated)
            {
                nint half = Vector<float>.Count, step = 2 * half;
                for (; i + step <= end; i += step)
                {
                    Vector<float> bLo = default, bHi = default;
                    if (baseWords is not null) (bLo, bHi) = FloatConversion.WidenBFloat16(ref baseWords[i], 0);
                    Vector<float> accLo = Vector<float>.Zero, accHi = Vector<float>.Zero;
                    for (int j = 0; j < count; j++)
                    {
                        var (lo, hi) = FloatConversion.WidenBFloat16(ref x[j][i], 0);
                        var vc = new Vector<float>(c[j]);
                        if (baseWords is not null)
                        {
                            lo -= bLo;
                            hi -= bHi;
                        }
                        accLo += vc * lo;
                        accHi += vc * hi;
                    }
                    if (baseWords is not null)
                    {
                        accLo += bLo;
                        accHi += bHi;
                    }
                    if (dtype == DType.BF16)
                        Store(Vector.Narrow(FloatConversion.RoundToBFloat16(Vector.AsVectorUInt32(accLo)), FloatConversion.RoundToBFloat16(Vector.AsVectorUInt32(accHi))),
                            (ushort*)output + i, streaming);
                    else
                    {
                        Store(accLo, (float*)output + i, streaming);
                        Store(accHi, (float*)output + i + half, streaming);
                    }
                }
            }
            for (; i < end; i++) Element(i, c, x, count, baseWords, output, dtype);
            // Non-temporal stores are weakly ordered: the fence makes them visible before whatever signals the output done.
            if (streaming) Sse.StoreFence();
        }
    }

    /// <summary>Element <paramref name="i"/> of R, one at a time: the same operations as a vector lane.</summary>
    private static void Element(nint i, float* c, ushort** x, int count, ushort* baseWords, void* output, DType dtype)
    {
        float b = baseWords is null ? 0f : FloatConversion.BFloat16ToSingle(baseWords[i]);
        float acc = 0f;
        for (int j = 0; j < count; j++) acc += c[j] * (baseWords is null ? FloatConversion.BFloat16ToSingle(x[j][i]) : FloatConversion.BFloat16ToSingle(x[j][i]) - b);
        if (baseWords is not null) acc += b;
        if (dtype == DType.BF16) ((ushort*)output)[i] = FloatConversion.RoundToBFloat16(BitConverter.SingleToUInt32Bits(acc));
        else ((float*)output)[i] = acc;
    }

    /// <summary>Output bytes from which <see cref="Apply"/> stores past the caches: beyond the 2 MiB of a core's L2.</summary>
    private const long StreamingBytes = 4L << 20;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(Vector<T> values, T* address, bool streaming) where T : unmanaged
    {
        if (streaming) Avx.StoreAlignedNonTemporal((byte*)address, values.AsVector256().AsByte());
        else values.Store(address);
    }
}
