using Evolve.Merging.Parameters;
using Evolve.Merging.Planning;
using Evolve.Merging.Recipes;

namespace Evolve.Reporting;

/// <summary>
/// The winning recipe's numeric parameters as the merge actually applies them: the recipe is planned against its
/// models, exactly as <c>evolve merge</c> would, and each layer tensor's resolved values (after gradients, filters
/// and per-model overrides) are averaged per module group (attention, mlp, norm, other) and layer. Only parameters the recipe sets are mapped.
/// </summary>
internal static class GeneMaps
{
    public static IReadOnlyList<GeneMap> Of(Recipe recipe, string? recipeFolder, ulong seed)
    {
        using var locator = new ModelLocator(recipeFolder);
        using var models = ModelSet.Open(recipe.AllModels(), locator.Open);
        var plan = MergePlanner.Plan(recipe, models, seed);
        var sums = new SortedDictionary<(string Parameter, string Row), Dictionary<int, (double Sum, int Count)>>();
        var named = Named(recipe);
        var layers = 0;
        foreach (var tensor in plan.Tensors)
        {
            if (tensor.CopyOnly || !LayerName.TryParse(tensor.Name, out _, out var layer, out var rest)) continue;
            layers = Math.Max(layers, layer + 1);
            var group = Group(rest);
            var defs = tensor.Parameters.Definitions;
            for (var p = 0; p < defs.Count; p++)
            {
                if (defs[p].Kind == ParameterKind.Boolean || !named.Contains(defs[p].Name)) continue;
                var values = tensor.Parameters.ValuesAt(p);
                if (defs[p].Scope == ParameterScope.Global)
                    Add(sums, (defs[p].Name, group), layer, values[0]);
                else
                    for (var i = 0; i < values.Length; i++)
                        Add(sums, (defs[p].Name, $"{ModelName(models.Models[tensor.Inputs[i].Model])} · {group}"), layer, values[i]);
            }
        }
        return sums.GroupBy(s => s.Key.Parameter).Select(g =>
        {
            var rows = g.ToArray();
            var values = rows.Select(r => Enumerable.Range(0, layers)
                .Select(l => r.Value.TryGetValue(l, out var a) ? a.Sum / a.Count : (double?)null).ToArray()).ToArray();
            return new GeneMap(g.Key, rows.Select(r => r.Key.Row).ToArray(), layers, values);
        }).ToArray();
    }

    /// <summary>The parameters the recipe sets anywhere; the others keep their defaults everywhere and tell nothing.</summary>
    private static HashSet<string> Named(Recipe recipe)
    {
        var maps = new List<ParameterMap> { recipe.Parameters };
        maps.AddRange((recipe.Models ?? ValueList<ModelEntry>.Empty).Select(m => m.Parameters));
        foreach (var slice in recipe.Slices ?? ValueList<SliceEntry>.Empty)
        {
            maps.Add(slice.Parameters);
            maps.AddRange(slice.Sources.Select(s => s.Parameters));
        }
        return maps.SelectMany(m => m.Entries.Select(e => e.Name)).ToHashSet(StringComparer.Ordinal);
    }

    private static void Add(SortedDictionary<(string, string), Dictionary<int, (double Sum, int Count)>> sums, (string, string) key, int layer, double value)
    {
        if (!sums.TryGetValue(key, out var byLayer)) sums[key] = byLayer = [];
        byLayer[layer] = byLayer.TryGetValue(layer, out var a) ? (a.Sum + value, a.Count + 1) : (value, 1);
    }

    /// <summary>Norms first: Llama's post_attention_layernorm is a norm, not part of attention.</summary>
    private static string Group(string rest) =>
        rest.Contains("norm", StringComparison.Ordinal) ? "norm"
        : rest.Contains("attn", StringComparison.Ordinal) || rest.Contains("attention", StringComparison.Ordinal) ? "attention"
        : rest.Contains("mlp", StringComparison.Ordinal) || rest.Contains("feed_forward", StringComparison.Ordinal) ? "mlp"
        : "other";

    private static string ModelName(ModelReference model)
    {
        var name = Path.GetFileName(model.Path.TrimEnd('/', '\\'));
        return model.Lora is null ? name : $"{name}+{Path.GetFileName(model.Lora.TrimEnd('/', '\\'))}";
    }
}
