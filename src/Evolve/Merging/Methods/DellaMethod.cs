using Evolve.Merging.Parameters;
using Evolve.Merging.Sparsification;

namespace Evolve.Merging.Methods;

/// <summary>della: magnitude-rank sampling with L1 rescale, TIES sign consensus, normalize on by default.</summary>
internal sealed class DellaMethod() : GeneralizedTaskArithmetic(
    "della", "Drop entries with a probability that falls with their magnitude rank, then TIES consensus.",
    "Deep et al., DELLA-Merging, arXiv:2406.11617",
    SparsificationKind.RankSampling, consensus: true, normalize: true, rescale: true, CommonParameters.DellaEpsilon);
