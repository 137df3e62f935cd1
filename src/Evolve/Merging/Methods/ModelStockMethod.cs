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
            double t = InterpolationFactor(dots);
            float wModel = (float)(t / k), wBase = (float)(1 - t);
            for (int j = start; j < start + cols; j++)
            {
                float sum = 0;
                for (int i = 0; i < k; i++) sum += context.Model(i)[j];
                output[j] = wModel * sum + wBase * b[j];
            }
        }
    }

    /// <summary>t = N·c/(1 + (N−1)·c) from the Gram matrix of the offsets (only its upper triangle is read), c the mean pairwise cosine.</summary>
    public static double InterpolationFactor(double[,] gram)
    {
        var n = gram.GetLength(0);
        double cosines = 0;
        var pairs = 0;
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++, pairs++)
                cosines += Math.Clamp(gram[i, j] / Math.Max(Math.Sqrt(gram[i, i]) * Math.Sqrt(gram[j, j]), 1e-6), -1, 1);
        var c = cosines / pairs;
        return n * c / (1 + (n - 1) * c);
    }
}
