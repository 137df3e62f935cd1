using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>
/// ramplus_tl: ram, with each model's unique changes scaled by λᵢ = 1 + r·clamp(ρᵢ, 0, alpha), where
/// ρᵢ = #(active and shared in model i) / max(#(active and unique in model i), epsilon), counted per tensor.
/// </summary>
internal sealed class RamPlusTlMethod() : MergeMethod(
    "ramplus_tl", "RAM with each model's unique changes boosted by how much it overlaps with the others (tensor-local).",
    RamReference.Paper, BaseModelRole.Required, InputCount.AtLeast(1),
    [
        new ParameterDef("r", ParameterScope.Global, ParameterKind.Number, 0.1, ParameterRange.NonNegative, new(0, 1),
            "Strength of the unique-change boost.", RamReference.Paper),
        new ParameterDef("alpha", ParameterScope.Global, ParameterKind.Number, 0.2, ParameterRange.NonNegative, new(0, 1),
            "Cap on the overlap ratio ρ.", RamReference.Paper),
        RamReference.Epsilon,
    ])
{
    public override void Merge(TensorMergeContext context, Span<float> output)
    {
        int k = context.ModelCount;
        float eps = (float)context.Parameters.Global("epsilon");
        double r = context.Parameters.Global("r"), alpha = context.Parameters.Global("alpha");
        var shared = new long[k];
        var unique = new long[k];
        var b = context.Base;
        for (int j = 0; j < context.Length; j++)
        {
            int count = 0;
            for (int i = 0; i < k; i++) if (Math.Abs(context.Model(i)[j] - b[j]) > eps) count++;
            if (count == 0) continue;
            for (int i = 0; i < k; i++)
                if (Math.Abs(context.Model(i)[j] - b[j]) > eps)
                {
                    if (count == 1) unique[i]++;
                    else shared[i]++;
                }
        }
        var boost = new double[k];
        for (int i = 0; i < k; i++)
            boost[i] = 1 + r * Math.Clamp(shared[i] / Math.Max(unique[i], (double)eps), 0, alpha);
        RamReference.Combine(context, eps, boost, output);
    }
}
