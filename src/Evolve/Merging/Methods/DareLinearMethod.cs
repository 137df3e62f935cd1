using Evolve.Merging.Sparsification;

namespace Evolve.Merging.Methods;

/// <summary>dare_linear: random drop with L1 rescale, then a plain weighted sum of task vectors.</summary>
internal sealed class DareLinearMethod() : GeneralizedTaskArithmetic(
    "dare_linear", "Randomly drop task-vector entries (L1 rescale), then a weighted sum.",
    "Yu et al., Language Models are Super Mario (DARE), arXiv:2311.03099",
    SparsificationKind.Random, consensus: false, normalize: false, rescale: true);
