using Evolve.Merging.Planning;

namespace Evolve.Search.Space;

/// <summary>
/// The base's tensor names split the way genes govern them: tensors of decoder layers (with their layer index) and
/// the non-layer tensors (embeddings, final norm, lm_head), which belong to no layer group.
/// </summary>
internal sealed class TensorLayout
{
    public TensorLayout(IEnumerable<string> tensorNames)
    {
        var layer = new List<(string, int)>();
        var nonLayer = new List<string>();
        foreach (var name in tensorNames)
        {
            if (LayerName.TryParse(name, out _, out var index, out _)) layer.Add((name, index));
            else nonLayer.Add(name);
        }
        LayerTensors = layer;
        NonLayerTensors = nonLayer;
        LayerCount = layer.Count == 0 ? 0 : layer.Max(t => t.Item2) + 1;
    }

    public IReadOnlyList<(string Name, int Layer)> LayerTensors { get; }

    public IReadOnlyList<string> NonLayerTensors { get; }

    public int LayerCount { get; }

    /// <summary>The filter a layer tensor falls under: the first one its name contains (mergekit's first-match rule), or <paramref name="filters"/>.Count for "rest".</summary>
    public static int FilterSlot(string tensorName, IReadOnlyList<string> filters)
    {
        for (var f = 0; f < filters.Count; f++)
            if (tensorName.Contains(filters[f], StringComparison.Ordinal)) return f;
        return filters.Count;
    }
}
