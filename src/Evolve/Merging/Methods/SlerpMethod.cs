using Evolve.Merging.Kernels;
using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>
/// slerp between the base (t = 0) and one other model (t = 1), on the whole flattened tensor: the angle comes from
/// the normalized tensors, the coefficients sin((1−t)θ)/sin θ and sin(tθ)/sin θ apply to the raw ones; nearly
/// (anti)parallel tensors (|cos θ| &gt; 0.9995) are lerped.
/// Differs from mergekit when either tensor's norm is ≤ 1e-8: mergekit leaves it unnormalized, gets cos θ = 0 and
/// returns e.g. 0.7071·v for slerp(0.5, 0, v); a zero vector has no direction, so here it is lerped (0.5·v).
/// </summary>
internal sealed class SlerpMethod() : MergeMethod(
    "slerp", "Spherical interpolation between the base (t=0) and one other model (t=1).",
    "Shoemake, Animating rotation with quaternion curves, SIGGRAPH 1985",
    BaseModelRole.Required, InputCount.Exactly(1),
    [new ParameterDef("t", ParameterScope.Global, ParameterKind.Number, null, ParameterRange.UnitInterval, ParameterRange.UnitInterval,
        "Interpolation position: 0 gives the base model, 1 the other model.", "mergekit slerp")])
{
    private const double NormFloor = 1e-8;
    private const double ParallelThreshold = 0.9995;

    public override void Merge(TensorMergeContext context, Span<float> output)
    {
        double t = context.Parameters.Global("t");
        var v0 = context.Base;
        var v1 = context.Model(0);
        var (a, b) = Coefficients(t, v0, v1);
        Blend.Combine((float)a, v0, (float)b, v1, output);
    }

    /// <summary>The mixing coefficients of v0 and v1.</summary>
    public static (double A, double B) Coefficients(double t, ReadOnlySpan<float> v0, ReadOnlySpan<float> v1)
    {
        double n0 = Fp64.Norm(v0), n1 = Fp64.Norm(v1);
        if (n0 <= NormFloor || n1 <= NormFloor) return (1 - t, t);
        double cos = Fp64.Dot(v0, v1) / (n0 * n1);
        if (Math.Abs(cos) > ParallelThreshold) return (1 - t, t);
        double theta = Math.Acos(cos), sin = Math.Sin(theta);
        return (Math.Sin((1 - t) * theta) / sin, Math.Sin(t * theta) / sin);
    }
}
