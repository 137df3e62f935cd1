using Evolve.Merging.Parameters;
using Evolve.Merging.Sparsification;

namespace Evolve.Merging.Methods;

/// <summary>della_linear: DELLA sampling with L1 rescale, then a plain weighted sum.</summary>
internal sealed class DellaLinearMethod() : GeneralizedTaskArithmetic(
    "della_linear", "DELLA magnitude-rank sampling, then a weighted sum of task vectors.",
    "Deep et al., DELLA-Merging, arXiv:2406.11617",
    SparsificationKind.RankSampling, consensus: false, normalize: false, rescale: true, CommonParameters.DellaEpsilon);
