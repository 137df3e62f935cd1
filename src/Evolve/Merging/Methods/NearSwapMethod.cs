using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>
/// nearswap: per element w = clamp(t / max(|B − X|, 1e-6), 0, 1), R = w·X + (1 − w)·B: elements within t of the
/// base take the other model's value, far ones mostly keep the base.
/// </summary>
internal sealed class NearSwapMethod() : MergeMethod(
    "nearswap", "Take the other model's value where it is within t of the base, interpolate towards the base elsewhere.",
    "mergekit nearswap (alchemonaut, 2024)",
    BaseModelRole.Required, InputCount.Exactly(1),
    [new ParameterDef("t", ParameterScope.Global, ParameterKind.Number, null, ParameterRange.NonNegative, new(0, 0.01),
        "Distance below which an element is fully swapped to the other model.", "mergekit nearswap")])
{
    public override bool IsElementwise(MethodParameters parameters) => true;

    public override void Merge(TensorMergeContext context, Span<float> output)
    {
        float t = (float)context.Parameters.Global("t");
        var b = context.Base;
        var x = context.Model(0);
        for (int i = 0; i < output.Length; i++)
        {
            float w = Math.Clamp(t / Math.Max(Math.Abs(b[i] - x[i]), 1e-6f), 0f, 1f);
            output[i] = w * x[i] + (1 - w) * b[i];
        }
    }
}
