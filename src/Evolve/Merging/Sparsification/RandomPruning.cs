using Evolve.Merging.Kernels;

namespace Evolve.Merging.Sparsification;

/// <summary>
/// DARE drop: each element survives with probability density, drawn from the counter-based stream of its
/// (tensor, model) so the mask is the same on every run and thread count. <c>offset</c> is the index of x[0] in the
/// tensor when x is a chunk. mergekit draws from torch's global RNG.
/// </summary>
internal static class RandomPruning
{
    public static void Apply(Span<float> x, double density, ulong streamKey, long offset = 0)
    {
        if (density >= 1) return;
        long threshold = MaskRandom.KeepThreshold((float)density);
        // A kept/dropped branch would mispredict about half the time at the usual densities.
        var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(x);
        for (int i = 0; i < bits.Length; i++)
            bits[i] &= MaskRandom.KeepMask(streamKey, offset + i, threshold);
    }
}
