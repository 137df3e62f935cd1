using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>
/// ram: with Tᵢ = Xᵢ − B and activeᵢ = |Tᵢ| &gt; epsilon, an element changed by one model takes that change in
/// full, an element changed by several takes their mean: R = B + Σ Tᵢ·activeᵢ·(unique + shared/count).
/// </summary>
internal sealed class RamMethod() : MergeMethod(
    "ram", "Add changes made by one model in full, average changes that several models make.",
    RamReference.Paper, BaseModelRole.Required, InputCount.AtLeast(1), [RamReference.Epsilon])
{
    public override bool IsElementwise(MethodParameters parameters) => true;

    public override void Merge(TensorMergeContext context, Span<float> output)
    {
        var ones = new double[context.ModelCount];
        Array.Fill(ones, 1.0);
        RamReference.Combine(context, (float)context.Parameters.Global("epsilon"), ones, output);
    }
}
