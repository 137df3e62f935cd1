using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Evolve.Onnx;

/// <summary>float32 to and from the 16-bit float storage types, vectorized where the library provides it.</summary>
internal static class FloatConversion
{
    public static void ToFloat32(TensorElementType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (type)
        {
            case TensorElementType.Float:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case TensorElementType.Float16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                break;
            case TensorElementType.BFloat16:
                var bits = MemoryMarshal.Cast<byte, ushort>(source);
                for (var i = 0; i < bits.Length; i++)
                    destination[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
                break;
            case TensorElementType.Double:
                var doubles = MemoryMarshal.Cast<byte, double>(source);
                for (var i = 0; i < doubles.Length; i++) destination[i] = (float)doubles[i];
                break;
            default:
                throw new NotSupportedException($"no float32 conversion from {type.Describe()}");
        }
    }

    public static float[] ToFloat32(TensorElementType type, ReadOnlySpan<byte> source)
    {
        var result = new float[source.Length / type.Size()];
        ToFloat32(type, source, result);
        return result;
    }

    /// <summary>Rounds float32 to the storage type (round to nearest even, as torch and numpy do).</summary>
    public static void FromFloat32(ReadOnlySpan<float> source, TensorElementType type, Span<byte> destination)
    {
        switch (type)
        {
            case TensorElementType.Float:
                MemoryMarshal.AsBytes(source).CopyTo(destination);
                break;
            case TensorElementType.Float16:
                TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination));
                break;
            case TensorElementType.BFloat16:
                var bits = MemoryMarshal.Cast<byte, ushort>(destination);
                for (var i = 0; i < source.Length; i++) bits[i] = ToBFloat16(source[i]);
                break;
            default:
                throw new NotSupportedException($"no conversion from float32 to {type.Describe()}");
        }
    }

    private static ushort ToBFloat16(float value)
    {
        var bits = (uint)BitConverter.SingleToInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }
}
