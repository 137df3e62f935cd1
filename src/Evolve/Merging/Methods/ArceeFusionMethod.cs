using Evolve.Merging.Parameters;
using Evolve.Merging.Sparsification;

namespace Evolve.Merging.Methods;

/// <summary>
/// arcee_fusion: importance = |X − B|·KL(softmax(X) ‖ softmax(B)) per row (last dimension; softmaxes get +1e-8),
/// threshold = median + 1.5·IQR of the importances (quantile q is the sorted element floor(q·(n−1))), and
/// R = B + (X − B)·[importance ≥ threshold].
/// Differs from mergekit on tensors above 1e6 elements: mergekit takes the quantiles of a random 1e6-element
/// subsample (torch.randperm), here they are exact (O(n) selection over every element), so the result is
/// deterministic. Softmax and KL are computed in float64.
/// </summary>
internal sealed class ArceeFusionMethod() : MergeMethod(
    "arcee_fusion", "Take the other model's changes only where they are unusually important (KL-weighted).",
    "Arcee AI, Arcee Fusion (mergekit arcee_fusion), 2025",
    BaseModelRole.Required, InputCount.Exactly(1), [])
{
    public override void Merge(TensorMergeContext context, Span<float> output)
    {
        int n = context.Length;
        var b = context.Base;
        var x = context.Model(0);
        var (rows, cols) = context.RowLayout;
        var importance = context.Scratch.Floats(n);
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * cols, cols);
            var br = b.Slice(r * cols, cols);
            double kl = RowKl(xr, br);
            for (int c = 0; c < cols; c++) importance[r * cols + c] = (float)(Math.Abs((double)xr[c] - br[c]) * kl);
        }
        double median = Quantile(importance, 0.5), q1 = Quantile(importance, 0.25), q3 = Quantile(importance, 0.75);
        float threshold = (float)(median + 1.5 * (q3 - q1));
        for (int j = 0; j < n; j++)
            output[j] = importance[j] >= threshold ? x[j] : b[j];
    }

    private static double RowKl(ReadOnlySpan<float> x, ReadOnlySpan<float> b)
    {
        double mx = double.NegativeInfinity, mb = double.NegativeInfinity;
        foreach (var v in x) mx = Math.Max(mx, v);
        foreach (var v in b) mb = Math.Max(mb, v);
        double zx = 0, zb = 0;
        foreach (var v in x) zx += Math.Exp(v - mx);
        foreach (var v in b) zb += Math.Exp(v - mb);
        double kl = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double p = Math.Exp(x[i] - mx) / zx + 1e-8, q = Math.Exp(b[i] - mb) / zb + 1e-8;
            kl += p * Math.Log(p / q);
        }
        return kl;
    }

    /// <summary>Element floor(q·(n−1)) of the ascending order (importances are non-negative, so magnitude order).</summary>
    private static double Quantile(ReadOnlySpan<float> values, double q)
    {
        int rank = (int)Math.Floor(q * (values.Length - 1));
        var bits = RankSelection.MagnitudeAtRank(values, rank, out _);
        return BitConverter.UInt32BitsToSingle(bits);
    }
}
