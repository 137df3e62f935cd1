using System.Buffers;
using System.Numerics.Tensors;

namespace Evolve.Proxy.Scoring;

internal static class LogSoftmax
{
    private const int Chunk = 1024;

    /// <summary>
    /// log softmax(logits)[index]. The exponentials are vectorized float32 (a scalar double exp cost 12 ns per vocabulary
    /// entry, more than the tiny models' forward pass); their sum is accumulated in double over vectorized float sums of
    /// <see cref="Chunk"/> terms, so a large vocabulary's tail of tiny terms is not lost to float rounding. Result error ≈ 1e-7 (float exp rounding); it depends on this row only.
    /// </summary>
    public static double At(ReadOnlySpan<float> logits, int index)
    {
        var max = TensorPrimitives.Max(logits);
        var rented = ArrayPool<float>.Shared.Rent(logits.Length);
        try
        {
            var exp = rented.AsSpan(0, logits.Length);
            TensorPrimitives.Subtract(logits, max, exp);
            TensorPrimitives.Exp(exp, exp);
            double sum = 0;
            for (var start = 0; start < exp.Length; start += Chunk)
                sum += TensorPrimitives.Sum<float>(exp.Slice(start, Math.Min(Chunk, exp.Length - start)));
            return (double)logits[index] - max - Math.Log(sum);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }
}
