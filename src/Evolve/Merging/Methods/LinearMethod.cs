using Evolve.Merging.Kernels;
using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>
/// linear: R = Σ wᵢXᵢ, divided by Σwᵢ when normalize. The base, when given, is one more input with its own weight
/// (mergekit appends it to the model list). Differs from mergekit, which divides by a zero weight sum: a weight
/// sum with |Σw| &lt; 1e-8 is treated as 1, as task arithmetic does.
/// </summary>
internal sealed class LinearMethod() : MergeMethod(
    "linear", "Weighted average of the models' parameters (model soup).",
    "Wortsman et al., Model soups, arXiv:2203.05482",
    BaseModelRole.Input, InputCount.AtLeast(1),
    [CommonParameters.Weight, CommonParameters.Normalize(true, "Wortsman et al., Model soups, arXiv:2203.05482")])
{
    public override bool IsElementwise(MethodParameters parameters) => true;

    public override LinearCombination AsLinearCombination(MethodParameters parameters, int modelCount)
    {
        var weights = parameters.PerModel("weight");
        double scale = 1;
        if (parameters.Flag("normalize"))
        {
            double sum = 0;
            foreach (var w in weights) sum += w;
            if (Math.Abs(sum) >= 1e-8) scale = 1 / sum;
        }
        var coefficients = new float[modelCount];
        for (int i = 0; i < modelCount; i++) coefficients[i] = (float)(weights[i] * scale);
        return new LinearCombination(coefficients, AroundBase: false);
    }

    public override void Merge(TensorMergeContext context, Span<float> output) =>
        AsLinearCombination(context.Parameters, context.ModelCount).Apply(default, context.Model, output);
}
