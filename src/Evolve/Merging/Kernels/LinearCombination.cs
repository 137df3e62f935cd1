namespace Evolve.Merging.Kernels;

/// <summary>
/// An elementwise merge that is a fixed linear combination of its inputs: R = Σ cᵢXᵢ, or around a base
/// R = (Σ cᵢ(Xᵢ − B)) + B. Each sum starts at +0 and adds its terms in input order, one rounding per multiply,
/// subtract and add (no fused multiply-add): the float kernels (<see cref="Blend"/>) and the fused kernels over
/// stored bytes (<see cref="StoredBlend"/>; <see cref="BFloat16Blend"/> for BF16 inputs) follow this order, so all
/// give the same floats bit for bit.
/// </summary>
/// <param name="Coefficients">cᵢ per input other than the base, in recipe order.</param>
/// <param name="AroundBase">Whether the combination is of task vectors Xᵢ − B, with B added back.</param>
internal sealed record LinearCombination(float[] Coefficients, bool AroundBase)
{
    /// <summary>Computes R into <paramref name="output"/> from float32 inputs, in the order the type states.</summary>
    public void Apply(ReadOnlySpan<float> baseTensor, Func<int, ReadOnlySpan<float>> model, Span<float> output)
    {
        for (int start = 0; start < output.Length; start += Blend.Chunk)
        {
            int len = Math.Min(Blend.Chunk, output.Length - start);
            var o = output.Slice(start, len);
            o.Clear();
            var b = AroundBase ? baseTensor.Slice(start, len) : default;
            for (int i = 0; i < Coefficients.Length; i++)
            {
                var x = model(i).Slice(start, len);
                if (AroundBase) Blend.AddScaledDifference(o, Coefficients[i], x, b);
                else Blend.AddScaled(o, Coefficients[i], x);
            }
            if (AroundBase) System.Numerics.Tensors.TensorPrimitives.Add(o, b, o);
        }
    }
}
