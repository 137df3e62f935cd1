using System.Numerics.Tensors;
using Evolve.Merging.Execution;

namespace Evolve.Search.Evaluation;

/// <summary>
/// Checks merged tensors for NaN and ±Inf before they reach the graph. The SIMD max-magnitude of a tensor is NaN if
/// any element is NaN and +Inf if any is infinite, so one pass per tensor decides; only a tensor that fails is
/// scanned again to name the first bad element.
/// </summary>
internal static class FiniteCheck
{
    public static void Tensors(WeightSnapshot snapshot, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            var values = snapshot.Get(name);
            if (values.Length == 0 || float.IsFinite(TensorPrimitives.MaxMagnitude(values)))
                continue;
            var index = 0;
            while (float.IsFinite(values[index]))
                index++;
            var bad = float.IsNaN(values[index]) ? "NaN" : values[index] > 0 ? "+Inf" : "-Inf";
            throw new NonFiniteWeightsException($"merged tensor {name} holds {bad} at element {index}");
        }
    }
}
