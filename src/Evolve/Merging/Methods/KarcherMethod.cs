using Evolve.Merging.Kernels;
using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>
/// karcher: the Riemannian (Karcher) mean of the inputs' directions on the unit sphere with equal weights, found by
/// fixed-point iteration (at most max_iter steps, stopping when the tangent step is below tol), scaled by the mean
/// norm. Inputs with norm ≤ tol are left out of the direction but still count in the mean norm, as in mergekit.
/// mergekit's embedding rectification here never takes effect (it crashes on differing vocabularies); Evolve
/// requires equal shapes for every method and names the first differing tensor.
/// </summary>
internal sealed class KarcherMethod() : MergeMethod(
    "karcher", "Riemannian (Karcher) mean of the models on the sphere, equal weights.",
    "Karcher, Riemannian center of mass and mollifier smoothing, CPAM 1977",
    BaseModelRole.Input, InputCount.AtLeast(1),
    [
        new ParameterDef("max_iter", ParameterScope.Global, ParameterKind.Integer, 10, new(1, 10000), new(1, 50),
            "Most fixed-point iterations.", "mergekit karcher"),
        new ParameterDef("tol", ParameterScope.Global, ParameterKind.Number, 1e-5, new(0, 1), new(1e-8, 1e-3),
            "Convergence tolerance on the tangent step, and the norm below which an input has no direction.", "mergekit karcher"),
    ])
{
    public override void Merge(TensorMergeContext context, Span<float> output)
    {
        int k = context.ModelCount, n = context.Length;
        int maxIter = (int)context.Parameters.Global("max_iter");
        double tol = context.Parameters.Global("tol");
        if (k == 1)
        {
            context.Model(0).CopyTo(output);
            return;
        }
        var norms = new double[k];
        double meanNorm = 0;
        for (int i = 0; i < k; i++)
        {
            norms[i] = Fp64.Norm(context.Model(i));
            meanNorm += norms[i] / k;
        }
        var alive = Enumerable.Range(0, k).Where(i => norms[i] > tol).ToArray();
        if (alive.Length == 0)
        {
            output.Clear();
            return;
        }
        double alpha = 1.0 / alive.Length;
        var u = context.Scratch.Floats(n);
        foreach (var i in alive) Blend.AddScaled(u, (float)(alpha / norms[i]), context.Model(i));
        double uNorm = Fp64.Norm(u);
        if (uNorm < tol)
        {
            u.Clear();
            Blend.AddScaled(u, (float)(1 / norms[alive[0]]), context.Model(alive[0]));
        }
        else System.Numerics.Tensors.TensorPrimitives.Multiply(u, (float)(1 / uNorm), u);

        var tangent = context.Scratch.Floats(n);
        for (int iter = 0; iter < maxIter; iter++)
        {
            tangent.Clear();
            double uCoefficient = 0;
            foreach (var i in alive)
            {
                double cos = Math.Clamp(Fp64.Dot(u, context.Model(i)) / norms[i], -1, 1);
                double theta = Math.Acos(cos);
                if (theta < tol) continue;
                double factor = alpha * theta / Math.Sin(theta);
                Blend.AddScaled(tangent, (float)(factor / norms[i]), context.Model(i));
                uCoefficient -= factor * cos;
            }
            Blend.AddScaled(tangent, (float)uCoefficient, u);
            double step = Fp64.Norm(tangent);
            if (step < tol) break;
            Blend.Combine((float)Math.Cos(step), u, (float)(Math.Sin(step) / step), tangent, u);
            System.Numerics.Tensors.TensorPrimitives.Multiply(u, (float)(1 / Fp64.Norm(u)), u);
        }
        System.Numerics.Tensors.TensorPrimitives.Multiply(u, (float)meanNorm, output);
    }
}
