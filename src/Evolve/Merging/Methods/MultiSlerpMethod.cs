using Evolve.Merging.Kernels;
using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>
/// multislerp: a weighted mean of N tensors (or task vectors, with a base) on the unit sphere, one tangent-space
/// step: uᵢ = xᵢ/(‖xᵢ‖+eps), m = normalize(Σwᵢuᵢ), T = Σwᵢ(uᵢ − ⟨uᵢ,m⟩m), L = ‖T‖+eps,
/// r = cos(L)·m + sin(L)/L·T, R = r·Σwᵢ‖xᵢ‖ (+ base).
/// Differs from mergekit when ‖Σwᵢuᵢ‖ &lt; eps (antipodal inputs cancel): mergekit returns the weighted sum for two
/// inputs and raises for more; here every input count falls back to the weighted sum.
/// </summary>
internal sealed class MultiSlerpMethod() : MergeMethod(
    "multislerp", "Weighted spherical mean of any number of models (or task vectors).",
    "mergekit multislerp; Buss & Fillmore, Spherical averages, ACM TOG 2001",
    BaseModelRole.Optional, InputCount.AtLeast(1),
    [
        CommonParameters.Weight,
        ParameterDef.Flag("normalize_weights", true, "Divide the weights by their sum.", "mergekit multislerp"),
        new ParameterDef("eps", ParameterScope.Global, ParameterKind.Number, 1e-8, new(0, 1), new(1e-10, 1e-6),
            "Numerical floor added to norms.", "mergekit multislerp"),
    ])
{
    public override void Merge(TensorMergeContext context, Span<float> output)
    {
        var p = context.Parameters;
        int k = context.ModelCount, n = context.Length;
        double eps = p.Global("eps");
        var w = p.PerModel("weight").ToArray();
        if (p.Flag("normalize_weights"))
        {
            double s = w.Sum();
            for (int i = 0; i < k; i++) w[i] /= s;
        }
        var x = new float[k][];
        var norms = new double[k];
        for (int i = 0; i < k; i++)
        {
            if (context.HasBase)
            {
                x[i] = context.Scratch.FloatArray(n);
                System.Numerics.Tensors.TensorPrimitives.Subtract(context.Model(i), context.Base, x[i].AsSpan(0, n));
            }
            norms[i] = Fp64.Norm(X(context, x, i));
        }

        var mean = context.Scratch.Floats(n);
        for (int i = 0; i < k; i++) Blend.AddScaled(mean, (float)(w[i] / (norms[i] + eps)), X(context, x, i));
        double meanNorm = Fp64.Norm(mean);
        if (meanNorm < eps)
        {
            output.Clear();
            for (int i = 0; i < k; i++) Blend.AddScaled(output, (float)w[i], X(context, x, i));
        }
        else
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(mean, (float)(1 / meanNorm), mean);
            var tangent = context.Scratch.Floats(n);
            double projected = 0;
            for (int i = 0; i < k; i++)
            {
                double scale = w[i] / (norms[i] + eps);
                Blend.AddScaled(tangent, (float)scale, X(context, x, i));
                projected += scale * Fp64.Dot(X(context, x, i), mean);
            }
            Blend.AddScaled(tangent, (float)-projected, mean);
            double length = Fp64.Norm(tangent) + eps;
            double radius = 0;
            for (int i = 0; i < k; i++) radius += w[i] * norms[i];
            Blend.Combine((float)(Math.Cos(length) * radius), mean, (float)(Math.Sin(length) / length * radius), tangent, output);
        }
        if (context.HasBase) System.Numerics.Tensors.TensorPrimitives.Add(output, context.Base, output);
    }

    private static ReadOnlySpan<float> X(TensorMergeContext context, float[][] deltas, int i) =>
        context.HasBase ? deltas[i].AsSpan(0, context.Length) : context.Model(i);
}
