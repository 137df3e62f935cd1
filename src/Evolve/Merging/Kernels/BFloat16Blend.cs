using System.Numerics;
using System.Runtime.CompilerServices;
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
        fixed (float* c = combination.Coefficients)
        {
            nint i = start, end = start + length;
            if (Vector.IsHardwareAccelerated)
            {
                nint half = Vector<float>.Count, step = 2 * half;
                for (; i + step <= end; i += step)
                {
                    Vector<float> bLo = default, bHi = default;
                    if (baseWords is not null) (bLo, bHi) = Widen(baseWords + i);
                    Vector<float> accLo = Vector<float>.Zero, accHi = Vector<float>.Zero;
                    for (int j = 0; j < count; j++)
                    {
                        var (lo, hi) = Widen(x[j] + i);
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
                        Vector.Narrow(FloatConversion.RoundToBFloat16(Vector.AsVectorUInt32(accLo)), FloatConversion.RoundToBFloat16(Vector.AsVectorUInt32(accHi)))
                            .Store((ushort*)output + i);
                    else
                    {
                        accLo.Store((float*)output + i);
                        accHi.Store((float*)output + i + half);
                    }
                }
            }
            for (; i < end; i++)
            {
                float b = baseWords is null ? 0f : ToSingle(baseWords[i]);
                float acc = 0f;
                for (int j = 0; j < count; j++) acc += c[j] * (baseWords is null ? ToSingle(x[j][i]) : ToSingle(x[j][i]) - b);
                if (baseWords is not null) acc += b;
                if (dtype == DType.BF16) ((ushort*)output)[i] = FloatConversion.RoundToBFloat16(BitConverter.SingleToUInt32Bits(acc));
                else ((float*)output)[i] = acc;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<float> Low, Vector<float> High) Widen(ushort* words)
    {
        Vector.Widen(Vector.Load(words), out Vector<uint> low, out Vector<uint> high);
        return (Vector.AsVectorSingle(low << 16), Vector.AsVectorSingle(high << 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ToSingle(ushort bf16) => BitConverter.UInt32BitsToSingle((uint)bf16 << 16);
}
