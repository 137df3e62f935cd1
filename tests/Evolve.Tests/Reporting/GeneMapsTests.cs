using Evolve.Merging.Recipes;
using Evolve.Reporting;
using Evolve.Search.Space;

namespace Evolve.Tests.Reporting;

/// <summary>The report's per-layer maps of a recipe decoded from a genome of the zoo's search space show each gene's value on the layers it governs.</summary>
public sealed class GeneMapsTests
{
    [Fact]
    public void Each_layer_group_of_a_decoded_genome_shows_its_own_gene_value()
    {
        var space = SearchSpace.Load(Path.Combine(RepoPaths.Root, "search-spaces", "zoo.yaml"));
        var n = space.Genome.Count;
        var unit = Enumerable.Range(0, n).Select(i => (i + 1.0) / (n + 1)).ToArray();
        if (space.Layout.MethodGene is { } m) unit[m] = 0.01; // the first method: ties
        var genome = space.Genome.Decode(unit);
        var recipe = new RecipeDecoder(space).Decode(genome);
        Assert.Equal("ties", recipe.MergeMethod);
        // Through the YAML the search stores, as a report reads it.
        var maps = GeneMaps.Of(RecipeYaml.Parse(RecipeYaml.Write(recipe)), null, space.Seed).ToDictionary(g => g.Parameter);

        var checkedCells = 0;
        foreach (var genes in space.Layout.Parameters)
        {
            var map = maps[genes.Declaration.Parameter];
            var model = space.Models[genes.Model!.Value].Name;
            foreach (var filter in genes.Filters)
            {
                var groups = filter.Filter switch { "self_attn" => new[] { "attention" }, "mlp" => ["mlp"], _ => ["norm"] };
                // A filter-less clause also covers attention and mlp tensors when no filter of their own precedes it.
                if (filter.Filter is null && genes.Filters.Count == 1) groups = ["attention", "mlp", "norm"];
                foreach (var group in groups)
                {
                    var row = Array.IndexOf(map.Rows.ToArray(), $"{model} · {group}");
                    Assert.True(row >= 0, $"{genes.Declaration.Parameter}: no row {model} · {group}");
                    for (var layer = 0; layer < map.Layers; layer++)
                    {
                        var gene = filter.GroupGenes[layer / genes.Declaration.LayersPerGene];
                        Assert.Equal(GenePrecision.Round(genome[gene], genes.Declaration), map.Values[row][layer]!.Value, 12);
                        checkedCells++;
                    }
                }
            }
        }
        // weight: 3 models × 3 groups × 4 layers; density: 3 models × 3 groups × 4 layers.
        Assert.Equal(72, checkedCells);
    }
}
