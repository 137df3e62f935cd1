using Evolve.Merging.Parameters;
using Evolve.Merging.Sparsification;

namespace Evolve.Merging.Methods;

/// <summary>
/// sce (select, calculate, erase): Tᵢ = Xᵢ − B; with select_topk &lt; 1 only the floor(select_topk·#nonzero-variance)
/// elements of largest variance across models are kept in every Tᵢ; model weights sᵢ = mean(Tᵢ²), normalized
/// (uniform when their sum is below 1e-6); TIES "sum" sign election on the unweighted Tᵢ;
/// R = B + Σ sᵢ·maskᵢ·Tᵢ / max(Σ sᵢ·maskᵢ, 1e-6).
/// Differs from mergekit when select_topk ≤ 0 or k rounds to 0: mergekit's output gains a leading model dimension
/// (open PR #700); selecting nothing here leaves every task vector empty, so the result is the base.
/// </summary>
internal sealed class SceMethod() : MergeMethod(
    "sce", "Select high-variance elements, weight models by task-vector energy, erase sign conflicts.",
    "Wan et al., FuseChat (SCE), arXiv:2408.07990",
    BaseModelRole.Required, InputCount.AtLeast(1),
    [
        CommonParameters.Int8Mask,
        new ParameterDef("select_topk", ParameterScope.Global, ParameterKind.Number, 1.0, ParameterRange.UnitInterval, new(0.1, 1),
            "Fraction of elements (by variance across models) kept.", "Wan et al., FuseChat (SCE), arXiv:2408.07990"),
    ])
{
    public override void Merge(TensorMergeContext context, Span<float> output)
    {
        int k = context.ModelCount, n = context.Length;
        var b = context.Base;
        double topk = context.Parameters.Global("select_topk");
        var deltas = new float[k][];
        for (int i = 0; i < k; i++)
        {
            deltas[i] = context.Scratch.FloatArray(n);
            System.Numerics.Tensors.TensorPrimitives.Subtract(context.Model(i), b, deltas[i].AsSpan(0, n));
        }
        if (topk < 1) Select(deltas, n, topk, context);

        var s = new double[k];
        double total = 0;
        for (int i = 0; i < k; i++)
        {
            s[i] = Kernels.Fp64.SumOfSquares(deltas[i].AsSpan(0, n)) / n;
            total += s[i];
        }
        for (int i = 0; i < k; i++) s[i] = total < 1e-6 ? 1.0 / k : s[i] / total;

        for (int j = 0; j < n; j++)
        {
            float sum = 0;
            for (int i = 0; i < k; i++) sum += deltas[i][j];
            bool positive = sum >= 0;
            double mixed = 0, divisor = 0;
            for (int i = 0; i < k; i++)
            {
                float d = deltas[i][j];
                if (positive ? d > 0 : d < 0)
                {
                    mixed += s[i] * d;
                    divisor += s[i];
                }
            }
            output[j] = b[j] + (float)(mixed / Math.Max(divisor, 1e-6));
        }
    }

    private static void Select(float[][] deltas, int n, double topk, Methods.TensorMergeContext context)
    {
        int k = deltas.Length;
        var variance = context.Scratch.Floats(n);
        int nonzero = 0;
        for (int j = 0; j < n; j++)
        {
            double mean = 0;
            for (int i = 0; i < k; i++) mean += deltas[i][j];
            mean /= k;
            double v = 0;
            for (int i = 0; i < k; i++)
            {
                double d = deltas[i][j] - mean;
                v += d * d;
            }
            variance[j] = (float)(v / k);
            if (variance[j] != 0) nonzero++;
        }
        int keep = (int)Math.Floor(nonzero * Math.Max(topk, 0));
        RankSelection.KeepRankRange(variance, n - keep, n);
        for (int j = 0; j < n; j++)
            if (variance[j] == 0)
                for (int i = 0; i < k; i++) deltas[i][j] = 0;
    }
}
