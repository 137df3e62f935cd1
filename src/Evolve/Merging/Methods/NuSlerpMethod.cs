using Evolve.Merging.Kernels;
using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>
/// nuslerp: slerp between exactly two models at t = w₁/(w₀ + w₁) (0.5 when |w₀ + w₁| &lt; 1e-6); with a base (a
/// third model) it slerps the task vectors and adds the base back. Vectors are the whole tensor (flatten, the
/// default), each row along the last dimension (flatten off), or each column along dimension 0 (flatten off,
/// nuslerp_row_wise on: mergekit's naming is inverted against its docs, the code is followed). Per vector:
/// θ = acos(clamp(⟨v₀/max(‖v₀‖,1e-7), v₁/max(‖v₁‖,1e-7)⟩, −1, 1)); lerp where |sin θ| &lt; 1e-8.
/// </summary>
internal sealed class NuSlerpMethod() : MergeMethod(
    "nuslerp", "Slerp of two models (or of their task vectors), per tensor, row or column.",
    "mergekit nuslerp; Shoemake 1985",
    BaseModelRole.Optional, InputCount.Exactly(2),
    [
        CommonParameters.Weight,
        ParameterDef.Flag("nuslerp_row_wise", false, "With flatten off: slerp each column (vectors along dimension 0) instead of each row.", "mergekit nuslerp"),
        ParameterDef.Flag("nuslerp_flatten", true, "Slerp the whole tensor as one vector.", "mergekit nuslerp"),
    ])
{
    private const double NormFloor = 1e-7;

    public override void Merge(TensorMergeContext context, Span<float> output)
    {
        var p = context.Parameters;
        var w = p.PerModel("weight");
        double sum = w[0] + w[1];
        double t = Math.Abs(sum) < 1e-6 ? 0.5 : w[1] / sum;
        int n = context.Length;
        ReadOnlySpan<float> v0 = context.Model(0), v1 = context.Model(1);
        if (context.HasBase)
        {
            var d0 = context.Scratch.Floats(n);
            var d1 = context.Scratch.Floats(n);
            System.Numerics.Tensors.TensorPrimitives.Subtract(v0, context.Base, d0);
            System.Numerics.Tensors.TensorPrimitives.Subtract(v1, context.Base, d1);
            v0 = d0;
            v1 = d1;
        }

        var (rows, cols) = context.RowLayout;
        if (p.Flag("nuslerp_flatten") || n == 0) (rows, cols) = (1, n);
        bool columns = !p.Flag("nuslerp_flatten") && p.Flag("nuslerp_row_wise") && context.Shape.Length >= 2;
        int vectors = columns ? cols : rows;
        var dot = context.Scratch.Doubles(vectors);
        var sq0 = context.Scratch.Doubles(vectors);
        var sq1 = context.Scratch.Doubles(vectors);
        for (int j = 0; j < n; j++)
        {
            int v = columns ? j % cols : j / cols;
            double a = v0[j], b = v1[j];
            dot[v] += a * b;
            sq0[v] += a * a;
            sq1[v] += b * b;
        }
        var c0 = context.Scratch.Doubles(vectors);
        var c1 = context.Scratch.Doubles(vectors);
        for (int v = 0; v < vectors; v++)
            (c0[v], c1[v]) = Coefficients(t, dot[v], Math.Sqrt(sq0[v]), Math.Sqrt(sq1[v]));

        if (vectors == 1) Blend.Combine((float)c0[0], v0, (float)c1[0], v1, output);
        else
            for (int j = 0; j < n; j++)
            {
                int v = columns ? j % cols : j / cols;
                output[j] = (float)c0[v] * v0[j] + (float)c1[v] * v1[j];
            }
        if (context.HasBase) System.Numerics.Tensors.TensorPrimitives.Add(output, context.Base, output);
    }

    private static (double, double) Coefficients(double t, double dot, double norm0, double norm1)
    {
        double cos = Math.Clamp(dot / (Math.Max(norm0, NormFloor) * Math.Max(norm1, NormFloor)), -1, 1);
        double theta = Math.Acos(cos), sin = Math.Sin(theta);
        if (Math.Abs(sin) < 1e-8) return (1 - t, t);
        return (Math.Sin((1 - t) * theta) / sin, Math.Sin(t * theta) / sin);
    }
}
