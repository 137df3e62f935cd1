using System.Runtime.CompilerServices;
using Evolve.Randomness;

namespace Evolve.Merging.Kernels;

/// <summary>
/// The random draws of DARE and DELLA masks on top of <see cref="CounterRandom"/>: a stream per (merge seed, tensor
/// name, model index), and one uniform per element index of that stream, each a pure function of its coordinates,
/// so a merge is bit-identical whatever the thread count or the order tensors are computed in.
/// </summary>
internal static class MaskRandom
{
    private static readonly ulong Purpose = CounterRandom.Hash("merge-mask");

    public static ulong StreamKey(ulong seed, string tensorName, int modelIndex) =>
        CounterRandom.Hash(CounterRandom.Hash(seed, Purpose), CounterRandom.Hash(tensorName), (ulong)modelIndex);

    /// <summary>A uniform float in [0, 1) with 24 random bits for element <paramref name="index"/> of a stream.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Uniform(ulong streamKey, long index) =>
        (CounterRandom.Mix(streamKey ^ (ulong)index) >> 40) * (1.0f / (1 << 24));

    /// <summary>
    /// The 24-bit draw below which an element survives a keep probability <paramref name="p"/>: Uniform ≥ p holds
    /// exactly when the draw ≥ ⌈p·2²⁴⌉ (the draw and p·2²⁴ are both exact), so masks built from it equal the
    /// float comparison.
    /// </summary>
    public static long KeepThreshold(float p) => p <= 0 ? 0 : p >= 1 ? 1L << 24 : (long)Math.Ceiling(p * (double)(1 << 24));

    /// <summary>All ones when element <paramref name="index"/> survives <paramref name="threshold"/>, else zero: a mask, not a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint KeepMask(ulong streamKey, long index, long threshold) =>
        (uint)(((long)(CounterRandom.Mix(streamKey ^ (ulong)index) >> 40) - threshold) >> 63);
}
