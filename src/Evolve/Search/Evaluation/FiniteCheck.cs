using System.Numerics.Tensors;

namespace Evolve.Search.Evaluation;

/// <summary>
/// Finds NaN and ±Inf in merged tensors before they reach the graph. The SIMD max-magnitude of a tensor is NaN if
/// any element is NaN and +Inf if any is infinite, so one pass per tensor decides; only a tensor that fails is
/// scanned again to name the first bad element.
/// </summary>
internal static class FiniteCheck
{
    /// <summary>"NaN at element 12" for the first non-finite value, or null when every value is finite.</summary>
    public static string? FirstNonFinite(ReadOnlySpan<float> values)
    {
        if (values.Length == 0 || float.IsFinite(TensorPrimitives.MaxMagnitude(values)))
            return null;
        var index = 0;
        while (float.IsFinite(values[index]))
            index++;
        var bad = float.IsNaN(values[index]) ? "NaN" : values[index] > 0 ? "+Inf" : "-Inf";
        return $"{bad} at element {index}";
    }
}
