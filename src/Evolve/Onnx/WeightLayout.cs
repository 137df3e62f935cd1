using System.Buffers;
using Evolve.Checkpoints;

namespace Evolve.Onnx;

/// <summary>Float32 tensors into an initializer's dtype and layout: a cache-blocked 2-D transpose and a SIMD dtype conversion.</summary>
internal static class WeightLayout
{
    private const int Block = 32;

    /// <summary>
    /// Writes <paramref name="source"/> (checkpoint layout, float32) into <paramref name="destination"/> in the
    /// initializer's dtype, transposed from [rows, cols] to [cols, rows] when <paramref name="transpose"/>.
    /// </summary>
    public static void Write(ReadOnlySpan<float> source, long[] sourceShape, bool transpose, TensorElementType type, Span<byte> destination)
    {
        var dtype = type.StorageDType();
        if (!transpose)
        {
            FloatConversion.FromSingle(source, dtype, destination);
            return;
        }
        var rows = (int)sourceShape[0];
        var cols = (int)sourceShape[1];
        if (type == TensorElementType.Float)
        {
            Transpose(source, rows, cols, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(destination));
            return;
        }
        var scratch = ArrayPool<float>.Shared.Rent(source.Length);
        try
        {
            var transposed = scratch.AsSpan(0, source.Length);
            Transpose(source, rows, cols, transposed);
            FloatConversion.FromSingle(transposed, dtype, destination);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>[rows, cols] row-major into [cols, rows] row-major, in square tiles so both sides stay in cache.</summary>
    public static void Transpose(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination)
    {
        for (var r0 = 0; r0 < rows; r0 += Block)
        {
            var r1 = Math.Min(r0 + Block, rows);
            for (var c0 = 0; c0 < cols; c0 += Block)
            {
                var c1 = Math.Min(c0 + Block, cols);
                for (var r = r0; r < r1; r++)
                {
                    var row = source.Slice(r * cols, cols);
                    for (var c = c0; c < c1; c++)
                        destination[c * rows + r] = row[c];
                }
            }
        }
    }
}
