using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>What ram and ramplus_tl share: the paper, the epsilon declaration and the unique/shared combination.</summary>
internal static class RamReference
{
    public const string Paper = "Reinforced Agent Merging (RAM), arXiv:2601.13572";

    public static ParameterDef Epsilon { get; } = new(
        "epsilon", ParameterScope.Global, ParameterKind.Number, 1e-5, ParameterRange.NonNegative, new(0, 1e-3),
        "A task-vector element counts as changed when its magnitude exceeds epsilon.", Paper);

    /// <summary>R = B + Σ Tᵢ·activeᵢ·(unique·uniqueScaleᵢ + shared/count).</summary>
    public static void Combine(TensorMergeContext context, float epsilon, ReadOnlySpan<double> uniqueScale, Span<float> output)
    {
        int k = context.ModelCount;
        var b = context.Base;
        for (int j = 0; j < context.Length; j++)
        {
            int count = 0;
            float sum = 0;
            int last = -1;
            for (int i = 0; i < k; i++)
            {
                float d = context.Model(i)[j] - b[j];
                if (Math.Abs(d) > epsilon)
                {
                    count++;
                    sum += d;
                    last = i;
                }
            }
            output[j] = count switch
            {
                0 => b[j],
                1 => b[j] + (float)(uniqueScale[last] * (context.Model(last)[j] - b[j])),
                _ => b[j] + sum / count,
            };
        }
    }
}
