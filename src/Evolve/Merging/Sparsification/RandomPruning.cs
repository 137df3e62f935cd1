using Evolve.Merging.Kernels;

namespace Evolve.Merging.Sparsification;

/// <summary>
/// DARE drop: each element survives with probability density, drawn from the counter-based stream of its
/// (tensor, model) so the mask is the same on every run and thread count. mergekit draws from torch's global RNG.
/// </summary>
internal static class RandomPruning
{
    public static void Apply(Span<float> x, double density, ulong streamKey)
    {
        if (density >= 1) return;
        float p = (float)density;
        for (int i = 0; i < x.Length; i++)
            if (MaskRandom.Uniform(streamKey, i) >= p)
                x[i] = 0;
    }
}
