using Evolve.Merging.Parameters;

namespace Evolve.Search.Space;

/// <summary>
/// One evolved merge parameter as the space declares it: its name (a parameter the space's methods declare), its
/// scope (one gene set per model for a per-model parameter), the bounds its genes explore, how many consecutive
/// layers share a gene, the tensor-name filters that get their own genes (layer tensors matching none form "rest")
/// and how layer groups become per-layer values.
/// </summary>
internal sealed record GeneDeclaration(
    string Parameter,
    ParameterScope Scope,
    ParameterKind Kind,
    ParameterRange Bounds,
    int LayersPerGene,
    IReadOnlyList<string> Filters,
    LayerSmoothing Smoothing);
