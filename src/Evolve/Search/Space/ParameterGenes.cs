namespace Evolve.Search.Space;

/// <summary>
/// Where one evolved parameter's genes sit in the genome, for one model (<see cref="Model"/> is null for a global
/// parameter): one gene for the non-layer tensors (none when the base has no such tensor) and, per filter slot, one gene per layer group in depth order.
/// </summary>
internal sealed record ParameterGenes(GeneDeclaration Declaration, int? Model, int? NonLayerGene, IReadOnlyList<FilterGenes> Filters);

/// <summary>The layer-group genes of one filter; <see cref="Filter"/> is null for the layer tensors no filter matches.</summary>
internal sealed record FilterGenes(string? Filter, IReadOnlyList<int> GroupGenes);
