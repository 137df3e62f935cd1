using Evolve.Merging.Sparsification;

namespace Evolve.Merging.Methods;

/// <summary>ties: magnitude pruning (top density·n), sign election by summed mass, normalize on by default.</summary>
internal sealed class TiesMethod() : GeneralizedTaskArithmetic(
    "ties", "Trim small task-vector entries, elect a sign per element, merge the agreeing entries.",
    "Yadav et al., TIES-Merging, arXiv:2306.01708",
    SparsificationKind.Magnitude, consensus: true, normalize: true, rescale: false);
