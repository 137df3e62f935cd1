namespace Evolve.Search.Space;

/// <summary>
/// Where one evolved parameter's genes sit in the genome, for one model (<see cref="Model"/> is null for a global
/// parameter): one gene for the non-layer tensors (none when the base has no such tensor) and, per filter slot, one gene per layer group in depth order.
/// </summary>
internal sealed record ParameterGenes(GeneDeclaration Declaration, int? Model, int? NonLayerGene, IReadOnlyList<FilterGenes> Filters)
{
    /// <summary>Every gene of this parameter and model, in genome order.</summary>
    public IEnumerable<int> Genes => (NonLayerGene is { } g ? [g] : Array.Empty<int>()).Concat(Filters.SelectMany(f => f.GroupGenes));

    /// <summary>Each gene with the base's tensors it decides (a tensor falls under the first filter its name contains).</summary>
    public IEnumerable<(int Gene, IReadOnlyList<string> Tensors)> Targets(TensorLayout tensors)
    {
        if (NonLayerGene is { } nonLayer)
            yield return (nonLayer, tensors.NonLayerTensors);
        for (var slot = 0; slot < Filters.Count; slot++)
        {
            // The rest slot (null filter) is the last one and has index Filters.Count in FilterSlot's numbering.
            var filterSlot = Filters[slot].Filter is null ? Declaration.Filters.Count : slot;
            for (var group = 0; group < Filters[slot].GroupGenes.Count; group++)
                yield return (Filters[slot].GroupGenes[group], tensors.LayerTensors
                    .Where(t => t.Layer / Declaration.LayersPerGene == group && TensorLayout.FilterSlot(t.Name, Declaration.Filters) == filterSlot)
                    .Select(t => t.Name).ToList());
        }
    }
}

/// <summary>The layer-group genes of one filter; <see cref="Filter"/> is null for the layer tensors no filter matches.</summary>
internal sealed record FilterGenes(string? Filter, IReadOnlyList<int> GroupGenes);
