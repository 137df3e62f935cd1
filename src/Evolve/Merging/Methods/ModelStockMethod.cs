using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>
/// model_stock: from the offsets oᵢ = Xᵢ − B (whole tensor, or per row with filter_wise), c = mean over pairs of
/// cos(oᵢ, oⱼ) (denominator floored at 1e-6, clamped to [−1, 1]; the mean, as the authors confirmed in mergekit
/// issue #453), t = N·c/(1 + (N−1)·c), R = t·mean(Xᵢ) + (1 − t)·B. No clamp on t, as in mergekit.
/// </summary>
internal sealed class ModelStockMethod() : MergeMethod(
    "model_stock", "Interpolate between the base and the models' mean by the angle between their offsets.",
    "Jang et al., Model Stock, arXiv:2403.19522",
    BaseModelRole.Required, InputCount.AtLeast(2),
    [ParameterDef.Flag("filter_wise", false, "Compute the interpolation factor per row instead of per tensor.", "Jang et al., Model Stock, arXiv:2403.19522")])
{
    public override void Merge(TensorMergeContext context, Span<float> output)
    {
        int k = context.ModelCount;
        var (rows, cols) = context.Parameters.Flag("filter_wise") ? context.RowLayout : (1, context.Length);
        var b = context.Base;
        var dots = new double[k, k];
        for (int r = 0; r < rows; r++)
        {
            int start = r * cols;
            Array.Clear(dots);
            for (int j = start; j < start + cols; j++)
            {
                double bj = b[j];
                for (int i = 0; i < k; i++)
                {
                    double oi = context.Model(i)[j] - bj;
                    for (int m = i; m < k; m++) dots[i, m] += oi * (context.Model(m)[j] - bj);
                }
            }
            double cosSum = 0;
            int pairs = 0;
            for (int i = 0; i < k; i++)
                for (int m = i + 1; m < k; m++, pairs++)
                    cosSum += Math.Clamp(dots[i, m] / Math.Max(Math.Sqrt(dots[i, i]) * Math.Sqrt(dots[m, m]), 1e-6), -1, 1);
            double c = cosSum / pairs;
            double t = k * c / (1 + (k - 1) * c);
            float wModel = (float)(t / k), wBase = (float)(1 - t);
            for (int j = start; j < start + cols; j++)
            {
                float sum = 0;
                for (int i = 0; i < k; i++) sum += context.Model(i)[j];
                output[j] = wModel * sum + wBase * b[j];
            }
        }
    }
}
