using System.Globalization;
using Evolve.Merging.Methods;
using Evolve.Merging.Parameters;
using Evolve.Search.Genome;

namespace Evolve.Search.Space;

/// <summary>
/// The genome of a space: the method gene (only when there are several methods), then, per declared parameter in
/// declaration order and per model for a per-model parameter, the non-layer gene followed by each filter's layer
/// groups in depth order. Gene names say what they control: <c>method</c>, <c>weight/enc/non_layer</c>,
/// <c>weight/enc/self_attn/layers0-1</c>, <c>weight/enc/rest/layers2-3</c> (layer tensors no filter matches),
/// <c>density/nines/layers0-3</c> (no filters declared), <c>lambda/mlp/layers0-3</c> (a global parameter).
/// </summary>
internal sealed class GenomeLayout
{
    private GenomeLayout(GenomeSpace genome, int? methodGene, IReadOnlyList<ParameterGenes> parameters)
    {
        Genome = genome;
        MethodGene = methodGene;
        Parameters = parameters;
    }

    public GenomeSpace Genome { get; }

    /// <summary>Index of the categorical method gene; null when the space has a single method.</summary>
    public int? MethodGene { get; }

    public IReadOnlyList<ParameterGenes> Parameters { get; }

    public static GenomeLayout Build(IReadOnlyList<IMergeMethod> methods, IReadOnlyList<GeneDeclaration> declarations, IReadOnlyList<SpaceModel> models, TensorLayout tensors)
    {
        var genes = new List<GeneSpec>();
        int? methodGene = null;
        if (methods.Count > 1)
        {
            methodGene = genes.Count;
            genes.Add(GeneSpec.Categorical("method", methods.Count));
        }
        var parameters = new List<ParameterGenes>();
        foreach (var declaration in declarations)
        {
            var owners = declaration.Scope == ParameterScope.PerModel
                ? models.Select((m, i) => ((int?)i, $"{declaration.Parameter}/{m.Name}"))
                : [((int?)null, declaration.Parameter)];
            foreach (var (model, prefix) in owners)
            {
                int Add(string name)
                {
                    genes.Add(GeneSpec.Real(name, declaration.Bounds.Min, declaration.Bounds.Max));
                    return genes.Count - 1;
                }
                int? nonLayer = tensors.NonLayerTensors.Count > 0 ? Add($"{prefix}/non_layer") : null;
                var filters = new List<FilterGenes>();
                foreach (var slot in Slots(declaration, tensors))
                {
                    var label = slot is null ? (declaration.Filters.Count == 0 ? "" : "rest/") : slot + "/";
                    var groups = new List<int>();
                    for (var first = 0; first < tensors.LayerCount; first += declaration.LayersPerGene)
                        groups.Add(Add($"{prefix}/{label}{LayerLabel(first, first + declaration.LayersPerGene - 1)}"));
                    filters.Add(new FilterGenes(slot, groups));
                }
                parameters.Add(new ParameterGenes(declaration, model, nonLayer, filters));
            }
        }
        return new GenomeLayout(new GenomeSpace(genes), methodGene, parameters);
    }

    /// <summary>The declared filters, then "rest" (null) when some layer tensor matches none of them.</summary>
    private static IEnumerable<string?> Slots(GeneDeclaration declaration, TensorLayout tensors)
    {
        foreach (var f in declaration.Filters) yield return f;
        if (tensors.LayerTensors.Any(t => TensorLayout.FilterSlot(t.Name, declaration.Filters) == declaration.Filters.Count))
            yield return null;
    }

    private static string LayerLabel(int first, int last) => first == last
        ? string.Create(CultureInfo.InvariantCulture, $"layers{first}")
        : string.Create(CultureInfo.InvariantCulture, $"layers{first}-{last}");
}
