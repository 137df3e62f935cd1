using Evolve.Merging.Sparsification;

namespace Evolve.Merging.Methods;

/// <summary>dare_ties: random drop with L1 rescale, then TIES sign consensus; normalize off by default.</summary>
internal sealed class DareTiesMethod() : GeneralizedTaskArithmetic(
    "dare_ties", "Randomly drop task-vector entries (L1 rescale), then TIES sign consensus.",
    "Yu et al., Language Models are Super Mario (DARE), arXiv:2311.03099",
    SparsificationKind.Random, consensus: true, normalize: false, rescale: true);
