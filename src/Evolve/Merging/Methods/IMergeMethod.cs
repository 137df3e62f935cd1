using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>
/// One mergekit merge method: its declaration (name, base use, inputs, parameters) and the per-tensor kernel.
/// Implementations are stateless and thread-safe; the executor calls <see cref="Merge"/> for many tensors at once.
/// </summary>
internal interface IMergeMethod
{
    /// <summary>mergekit's <c>merge_method</c> name.</summary>
    string Name { get; }

    /// <summary>One line for help text.</summary>
    string Summary { get; }

    /// <summary>Paper or source the method comes from.</summary>
    string Reference { get; }

    BaseModelRole BaseModel { get; }

    /// <summary>Inputs other than the base (for <see cref="BaseModelRole.Input"/>, every input).</summary>
    InputCount Inputs { get; }

    /// <summary>Every parameter the method accepts, declared once.</summary>
    IReadOnlyList<ParameterDef> Parameters { get; }

    /// <summary>True when the result depends on the seed (DARE, DELLA).</summary>
    bool UsesRandomness { get; }

    /// <summary>
    /// True when output element j depends only on input elements j under these parameters, so the executor may
    /// merge the tensor in cache-sized chunks straight from the stored bytes.
    /// </summary>
    bool IsElementwise(MethodParameters parameters);

    /// <summary>
    /// True when <see cref="Merge"/> reads its inputs only chunk by chunk (<see cref="TensorMergeContext.ModelChunk"/>),
    /// so the executor may let it read the stored bytes in passes instead of whole-tensor float32 copies; such a
    /// method also writes its output chunk by chunk through <see cref="TensorMergeContext.OutputWriter"/> when set.
    /// </summary>
    bool ReadsInChunks(MethodParameters parameters);

    /// <summary>
    /// The method as a fixed linear combination of its inputs under these parameters, or null when it is not one;
    /// the executor then computes it straight from the stored bytes (<see cref="Kernels.BFloat16Blend"/> for BF16
    /// inputs, <see cref="Kernels.StoredBlend"/> for others), and
    /// <see cref="Merge"/> must give the same floats.
    /// </summary>
    Kernels.LinearCombination? AsLinearCombination(MethodParameters parameters, int modelCount);

    /// <summary>Merges one tensor into <paramref name="output"/> (same element count as the inputs).</summary>
    void Merge(TensorMergeContext context, Span<float> output);
}
