using Evolve.Merging.Kernels;

namespace Evolve.Merging.Sparsification;

/// <summary>The per-model settings of one sparsification call.</summary>
/// <param name="Density">Fraction kept; ≥ 1 leaves the vector unchanged.</param>
/// <param name="Gamma">Outlier fraction (breadcrumbs).</param>
/// <param name="Epsilon">Keep-probability half-band (DELLA).</param>
/// <param name="Rescale">Match the pruned vector's L1 norm to the original's.</param>
/// <param name="StreamKey">Counter-random stream of this (tensor, model).</param>
/// <param name="Columns">Row length for row-wise ranking (DELLA).</param>
internal readonly record struct PruneSettings(double Density, double Gamma, double Epsilon, bool Rescale, ulong StreamKey, int Columns);

/// <summary>
/// Sparsifies one task vector in place with the chosen sparsifier, then applies the optional L1 rescale
/// (mergekit's <c>rescaled_masked_tensor</c>: scale = ‖x‖₁/‖masked‖₁, skipped when either norm is below 1e-7), with
/// both norms accumulated in float64.
/// </summary>
internal static class TaskVectorPruning
{
    private const double RescaleFloor = 1e-7;

    public static void Apply(SparsificationKind kind, Span<float> delta, in PruneSettings s, ScratchArena scratch)
    {
        if (kind == SparsificationKind.None || s.Density >= 1) return;
        double before = s.Rescale ? Fp64.SumAbs(delta) : 0;
        switch (kind)
        {
            case SparsificationKind.Magnitude:
                MagnitudePruning.Apply(delta, s.Density);
                break;
            case SparsificationKind.Random:
                RandomPruning.Apply(delta, s.Density, s.StreamKey);
                break;
            case SparsificationKind.MagnitudeOutliers:
                OutlierPruning.Apply(delta, s.Density, s.Gamma);
                break;
            case SparsificationKind.RankSampling:
                RankSamplingPruning.Apply(delta, s.Density, s.Epsilon, s.Columns, s.StreamKey, scratch);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
        if (!s.Rescale) return;
        double after = Fp64.SumAbs(delta);
        if (before < RescaleFloor || after < RescaleFloor) return;
        System.Numerics.Tensors.TensorPrimitives.Multiply(delta, (float)(before / after), delta);
    }
}
