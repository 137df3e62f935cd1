using Evolve.Merging.Methods;
using Evolve.Merging.Recipes;

namespace Evolve.Search.Space;

/// <summary>
/// Turns a genome (gene values, as <see cref="Genome.GenomeSpace.Decode"/> gives them) into an ordinary mergekit
/// recipe over the space's models, and that recipe's YAML, the candidate's identity. The recipe has the chosen
/// method, the base (except for methods that would merge it as one more input, e.g. linear), every model with its
/// per-model parameters, global parameters and the space's constants at the top level, and the space's dtype.
/// Only parameters the chosen method declares are written, so genes the method ignores do not split candidates.
/// <para>
/// An evolved parameter is written as a list of <c>{filter, value}</c> clauses, first match wins: first one
/// clause per non-layer tensor of the base (embeddings, final norm, lm_head), each filtering on that tensor's full
/// name and holding the non-layer gene, so these tensors are decided by a gene of their own rather than by whatever
/// layer value mergekit would evaluate at t = 0; then one clause per declared filter (<c>self_attn</c>, <c>mlp</c> …)
/// and a last clause without filter for the other layer tensors. A clause's value is a scalar when one group spans
/// every layer, else a gradient: one value per layer under step smoothing (the anchors sit exactly on the layers,
/// t = i/(n−1)), one anchor per group under linear smoothing. Values are rounded by <see cref="GenePrecision"/>.
/// </para>
/// </summary>
internal sealed class RecipeDecoder(SearchSpace space) : IGenomeDecoder
{
    public IMergeMethod MethodOf(ReadOnlySpan<double> genome) =>
        space.Layout.MethodGene is { } g ? space.Methods[(int)genome[g]] : space.Methods[0];

    public Recipe Decode(ReadOnlySpan<double> genome)
    {
        if (genome.Length != space.Genome.Count)
            throw new ArgumentException($"a genome of {genome.Length} values for a space of {space.Genome.Count} genes", nameof(genome));
        var method = MethodOf(genome);
        var topLevel = new List<ParameterEntry>();
        var perModel = space.Models.Select(_ => new List<ParameterEntry>()).ToArray();
        foreach (var def in method.Parameters.Where(d => !d.Ignored))
        {
            foreach (var genes in space.Layout.Parameters.Where(p => p.Declaration.Parameter == def.Name))
            {
                var entry = new ParameterEntry(def.Name, Setting(genes, genome));
                (genes.Model is { } m ? perModel[m] : topLevel).Add(entry);
            }
            if (space.Fixed.FirstOrDefault(f => f.Name == def.Name) is { } constant)
                topLevel.Add(new ParameterEntry(def.Name, constant.IsBoolean ? new BoolSetting(constant.Value != 0) : new NumberSetting(constant.Value)));
        }
        var models = space.Models.Select((m, i) => new ModelEntry(new ModelReference(m.Path), new ParameterMap(new(perModel[i]))));
        return new Recipe(method.Name, method.BaseModel == BaseModelRole.Input ? null : new ModelReference(space.BaseModel),
            new ParameterMap(new(topLevel)), new ValueList<ModelEntry>(models), null, space.DType);
    }

    public string RecipeText(double[] genome) => RecipeYaml.Write(Decode(genome));

    private FilteredSetting Setting(ParameterGenes genes, ReadOnlySpan<double> genome)
    {
        var declaration = genes.Declaration;
        var clauses = new List<FilterClause>();
        if (genes.NonLayerGene is { } nonLayer)
        {
            var value = new NumberSetting(GenePrecision.Round(genome[nonLayer], declaration));
            clauses.AddRange(space.Tensors.NonLayerTensors.Select(name => new FilterClause(name, value)));
        }
        foreach (var filter in genes.Filters)
        {
            var groups = new double[filter.GroupGenes.Count];
            for (var g = 0; g < groups.Length; g++)
                groups[g] = GenePrecision.Round(genome[filter.GroupGenes[g]], declaration);
            clauses.Add(new FilterClause(filter.Filter, LayerSetting(groups, declaration)));
        }
        return new FilteredSetting(new(clauses));
    }

    private ParameterSetting LayerSetting(double[] groups, GeneDeclaration declaration)
    {
        if (groups.Length == 1) return new NumberSetting(groups[0]);
        if (declaration.Smoothing == LayerSmoothing.Linear) return new GradientSetting(new(groups));
        var layers = new double[space.Tensors.LayerCount];
        for (var layer = 0; layer < layers.Length; layer++)
            layers[layer] = groups[layer / declaration.LayersPerGene];
        return new GradientSetting(new(layers));
    }
}
