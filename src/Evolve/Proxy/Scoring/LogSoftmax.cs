using System.Numerics.Tensors;

namespace Evolve.Proxy.Scoring;

internal static class LogSoftmax
{
    /// <summary>log softmax(logits)[index], with the log-sum-exp accumulated in double.</summary>
    public static double At(ReadOnlySpan<float> logits, int index)
    {
        var max = TensorPrimitives.Max(logits);
        double sum = 0;
        foreach (var x in logits)
            sum += Math.Exp(x - max);
        return logits[index] - max - Math.Log(sum);
    }
}
