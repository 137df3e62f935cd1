using Evolve.Merging.Methods;
using Evolve.Merging.Recipes;

namespace Evolve.Merging.Planning;

/// <summary>What a recipe computes, tensor by tensor, before anything is computed; the executor runs it.</summary>
internal sealed class MergePlan(Recipe recipe, IMergeMethod method, ModelSet models, ModelReference referenceModel,
    IReadOnlyList<PlannedTensor> tensors, int outputLayers, ulong seed)
{
    public Recipe Recipe { get; } = recipe;
    public IMergeMethod Method { get; } = method;
    public ModelSet Models { get; } = models;

    /// <summary>The model whose config.json and tensor layout the output follows (the base, else the first model).</summary>
    public ModelReference ReferenceModel { get; } = referenceModel;

    public IReadOnlyList<PlannedTensor> Tensors { get; } = tensors;
    public int OutputLayers { get; } = outputLayers;
    public ulong Seed { get; } = seed;

    /// <summary>Bytes of input read for one pass over the plan (every input tensor once, in its stored dtype).</summary>
    public long InputBytes()
    {
        long total = 0;
        foreach (var t in Tensors)
        {
            if (t.Base is { } b) total += Bytes(b);
            foreach (var i in t.Inputs) total += Bytes(i);
        }
        return total;
    }

    private long Bytes(TensorInput input)
    {
        Models[input.Model].TryGetInfo(input.Tensor, out var info);
        return info.ElementCount * Checkpoints.DTypeInfo.ByteSize(info.DType);
    }
}
