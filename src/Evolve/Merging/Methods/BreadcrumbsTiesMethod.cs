using Evolve.Merging.Parameters;
using Evolve.Merging.Sparsification;

namespace Evolve.Merging.Methods;

/// <summary>breadcrumbs_ties: breadcrumbs pruning, then TIES sign consensus (normalize off by default).</summary>
internal sealed class BreadcrumbsTiesMethod() : GeneralizedTaskArithmetic(
    "breadcrumbs_ties", "Breadcrumbs pruning followed by TIES sign consensus.",
    "Davari & Belilovsky, Model Breadcrumbs, arXiv:2312.06795",
    SparsificationKind.MagnitudeOutliers, consensus: true, normalize: false, rescale: false, CommonParameters.Gamma);
