using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Evolve.Merging.Sparsification;

/// <summary>
/// A magnitude rank mask as a rule: keep magnitudes above <paramref name="Threshold"/>, and those equal to it from
/// element <paramref name="EqualFrom"/> on (equal magnitudes rank by index).
/// </summary>
internal readonly record struct MagnitudeRule(uint Threshold, int EqualFrom)
{
    // Non-short-circuit operators: the compares go either way at random, and branches on them mispredict.
    public bool Keeps(uint magnitude, int index) => (magnitude > Threshold) | ((magnitude == Threshold) & (index >= EqualFrom));

    /// <summary><see cref="Keeps(uint, int)"/> on 8 lanes (magnitudes below 2³¹, as signed integers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<int> Keeps(Vector256<int> magnitude, Vector256<int> index)
    {
        var threshold = Vector256.Create((int)Threshold);
        return Vector256.GreaterThan(magnitude, threshold)
            | (Vector256.Equals(magnitude, threshold) & Vector256.GreaterThanOrEqual(index, Vector256.Create(EqualFrom)));
    }

    /// <summary>The rule broadcast to 16 lanes, once before a loop (the JIT does not hoist the broadcasts out of it).</summary>
    public Lanes512 Broadcast512() => new(Vector512.Create(Threshold), Vector512.Create(Threshold + 1), EqualFrom);

    /// <summary>
    /// A <see cref="MagnitudeRule"/> on 16 lanes as a least kept magnitude per block: the threshold plus one before
    /// <see cref="EqualFrom"/>, the threshold from it on (unsigned, so a threshold of 2³¹ − 1 plus one keeps none).
    /// One compare and a masked move per block where the three compares of the rule take five vector operations:
    /// with 512-bit vectors only two ports execute them.
    /// </summary>
    public readonly record struct Lanes512(Vector512<uint> Threshold, Vector512<uint> AboveThreshold, int EqualFrom)
    {
        /// <summary><paramref name="values"/> where their magnitudes (below 2³¹) are kept, else +0; the block's first element is <paramref name="first"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Mask(Vector512<float> values, Vector512<int> magnitudes, Vector512<int> indices, int first)
        {
            var least = first >= EqualFrom ? Threshold
                : first + Vector512<int>.Count <= EqualFrom ? AboveThreshold
                : Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(indices, Vector512.Create(EqualFrom)).AsUInt32(), Threshold, AboveThreshold);
            return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(magnitudes.AsUInt32(), least).AsSingle(), values, Vector512<float>.Zero);
        }
    }
}
