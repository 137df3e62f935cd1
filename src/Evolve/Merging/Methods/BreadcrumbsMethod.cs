using Evolve.Merging.Parameters;
using Evolve.Merging.Sparsification;

namespace Evolve.Merging.Methods;

/// <summary>breadcrumbs: drop the largest (gamma) and smallest magnitudes, weighted sum of what is left.</summary>
internal sealed class BreadcrumbsMethod() : GeneralizedTaskArithmetic(
    "breadcrumbs", "Remove outliers and small entries from each task vector, then a weighted sum.",
    "Davari & Belilovsky, Model Breadcrumbs, arXiv:2312.06795",
    SparsificationKind.MagnitudeOutliers, consensus: false, normalize: false, rescale: false, CommonParameters.Gamma);
