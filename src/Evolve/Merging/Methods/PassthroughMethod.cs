using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>passthrough: the single input as is, times an optional per-model scale (frankenmerges via slices).</summary>
internal sealed class PassthroughMethod() : MergeMethod(
    "passthrough", "Copy one input tensor unchanged (layer stacking with slices), optionally scaled.",
    "mergekit passthrough",
    BaseModelRole.Input, InputCount.Exactly(1),
    [new ParameterDef("scale", ParameterScope.PerModel, ParameterKind.Number, 1.0, ParameterRange.Unbounded, new(0, 2),
        "Factor applied to the copied tensor (mergekit's default, none, is the same as 1).", "mergekit passthrough")])
{
    public override bool IsElementwise(MethodParameters parameters) => true;

    public override void Merge(TensorMergeContext context, Span<float> output)
    {
        float scale = (float)context.Parameters.PerModel("scale")[0];
        if (scale == 1) context.Model(0).CopyTo(output);
        else System.Numerics.Tensors.TensorPrimitives.Multiply(context.Model(0), scale, output);
    }
}
