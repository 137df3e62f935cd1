using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>The declaration half of <see cref="IMergeMethod"/>, so each method file holds only its facts and its kernel.</summary>
internal abstract class MergeMethod : IMergeMethod
{
    protected MergeMethod(string name, string summary, string reference, BaseModelRole baseModel, InputCount inputs,
        IReadOnlyList<ParameterDef> parameters, bool usesRandomness = false)
    {
        Name = name;
        Summary = summary;
        Reference = reference;
        BaseModel = baseModel;
        Inputs = inputs;
        Parameters = parameters;
        UsesRandomness = usesRandomness;
    }

    public string Name { get; }
    public string Summary { get; }
    public string Reference { get; }
    public BaseModelRole BaseModel { get; }
    public InputCount Inputs { get; }
    public IReadOnlyList<ParameterDef> Parameters { get; }
    public bool UsesRandomness { get; }

    public virtual bool IsElementwise(MethodParameters parameters) => false;

    public virtual bool ReadsInChunks(MethodParameters parameters) => false;

    public virtual Kernels.LinearCombination? AsLinearCombination(MethodParameters parameters, int modelCount) => null;

    public abstract void Merge(TensorMergeContext context, Span<float> output);

    public override string ToString() => Name;
}
