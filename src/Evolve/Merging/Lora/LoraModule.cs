namespace Evolve.Merging.Lora;

/// <summary>
/// The low-rank update of one weight: ΔW = Scale·B·A with B [out, rank] and A [rank, in], row-major float32.
/// </summary>
internal sealed record LoraModule(string TargetTensor, int Rows, int Columns, int Rank, float[] B, float[] A, double Scale)
{
    /// <summary>destination[out, in] += factor·Scale·B·A, one SIMD row update per (row, rank) pair.</summary>
    public void AddTo(Span<float> destination, double factor)
    {
        if (destination.Length != (long)Rows * Columns)
            throw new ArgumentException($"{TargetTensor}: the adapter's update is [{Rows}, {Columns}], the weight has {destination.Length} elements");
        double s = factor * Scale;
        for (int o = 0; o < Rows; o++)
        {
            var row = destination.Slice(o * Columns, Columns);
            for (int k = 0; k < Rank; k++)
            {
                var coefficient = (float)(s * B[o * Rank + k]);
                if (coefficient != 0) Kernels.Blend.AddScaled(row, coefficient, A.AsSpan(k * Columns, Columns));
            }
        }
    }
}
