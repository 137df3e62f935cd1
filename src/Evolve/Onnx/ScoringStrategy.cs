namespace Evolve.Onnx;

/// <summary>How a <see cref="ScoringSession"/> feeds each weight set to ONNX Runtime (DESIGN.md §4.8, ort-binding.md §6).</summary>
public enum ScoringStrategy
{
    /// <summary>
    /// One session over the graph rewritten so the bound initializers are graph inputs; every Run wraps the weight
    /// set's buffers zero copy. No per-set setup; runs are slower because ORT cannot pre-pack weights it gets as inputs.
    /// </summary>
    WeightsAsInputs,

    /// <summary>
    /// A new session per weight set, over an external-data copy of the graph, with AddInitializer for each bound
    /// initializer. Pays session creation (mostly pre-packing) per set; then runs at constant-weight speed.
    /// </summary>
    SessionPerWeightSet,
}
