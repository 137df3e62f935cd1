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

    /// <summary><see cref="Keeps(uint, int)"/> on 16 lanes (magnitudes below 2³¹, as signed integers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<int> Keeps(Vector512<int> magnitude, Vector512<int> index)
    {
        var threshold = Vector512.Create((int)Threshold);
        return Vector512.GreaterThan(magnitude, threshold)
            | (Vector512.Equals(magnitude, threshold) & Vector512.GreaterThanOrEqual(index, Vector512.Create(EqualFrom)));
    }
}
