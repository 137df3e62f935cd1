using Evolve.Merging.Planning;
using Evolve.Merging.Recipes;

namespace Evolve.Search.Space;

/// <summary>
/// A recipe (a sweep's chosen one, a hand-tuned merge) as a point of the space: the method gene takes the recipe's
/// method, and each gene of a parameter the method declares takes the mean of the values the merge planner resolves
/// for the tensors that gene governs (for a per-model gene, the values resolved for that model's input), clamped
/// into the gene's bounds. So a recipe whose settings follow the space's granularity projects exactly, and a finer
/// one (a per-layer gradient under a two-layer gene) lands on its group means. Genes of parameters the method does
/// not declare take their neutral values (<see cref="SeedGenomes"/>). The recipe must merge exactly the space's
/// models onto its base.
/// </summary>
internal static class RecipeProjection
{
    public static SeedGenome Project(SearchSpace space, string recipePath)
    {
        var recipe = RecipeYaml.Load(recipePath);
        var method = space.Methods.FirstOrDefault(m => m.Name == recipe.MergeMethod)
            ?? throw new SearchSpaceException(recipe.Source.Locate("merge_method"), $"seed recipe's method {recipe.MergeMethod} is not among the space's methods ({string.Join(", ", space.Methods.Select(m => m.Name))})",
                $"Add {recipe.MergeMethod} to methods: in {space.File}, or seed with a recipe of one of its methods");
        using var locator = new ModelLocator(Path.GetDirectoryName(Path.GetFullPath(recipePath)));
        using var models = ModelSet.Open(recipe.AllModels(), locator.Open);
        var plan = MergePlanner.Plan(recipe, models, space.Seed);

        // Model index in the recipe's set → index among the space's models (−1: the space's base).
        var spaceIndex = new int[models.Models.Count];
        for (var i = 0; i < spaceIndex.Length; i++)
        {
            var folder = Path.GetFullPath(locator.Folder(models.Models[i]).Path).TrimEnd(Path.DirectorySeparatorChar);
            spaceIndex[i] = folder == space.BaseModel ? -1 : IndexOfModel(space, folder);
            if (spaceIndex[i] == -2 || models.Models[i].Lora is not null)
                throw new SearchSpaceException(recipe.Source.Locate("models"), $"seed recipe merges {models.Models[i]}, which is not a model of the space",
                    $"A seed must merge the models listed in {space.File} onto its base");
        }
        for (var m = 0; m < space.Models.Count; m++)
            if (!spaceIndex.Contains(m))
                throw new SearchSpaceException(recipe.Source.Locate("models"), $"seed recipe does not merge {space.Models[m].Path}, a model of the space",
                    "A seed must merge every model of the space (give it weight 0 to leave it out)");
        var tensors = plan.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);

        var genome = SeedGenomes.Neutral(space, method);
        foreach (var genes in space.Layout.Parameters)
        {
            var p = method.Parameters.ToList().FindIndex(d => d.Name == genes.Declaration.Parameter);
            if (p < 0) continue;
            foreach (var (gene, names) in genes.Targets(space.Tensors))
            {
                double sum = 0;
                var count = 0;
                foreach (var name in names)
                {
                    if (!tensors.TryGetValue(name, out var planned) || planned.CopyOnly) continue;
                    var values = planned.Parameters.ValuesAt(p);
                    if (genes.Model is not { } model)
                    {
                        sum += values[0];
                        count++;
                        continue;
                    }
                    for (var input = 0; input < planned.Inputs.Length; input++)
                        if (spaceIndex[planned.Inputs[input].Model] == model)
                        {
                            sum += values[input];
                            count++;
                        }
                }
                if (count > 0) SeedGenomes.Set(genome, genes, gene, sum / count);
            }
        }
        return new SeedGenome($"recipe {recipePath} ({method.Name})", genome);
    }

    private static int IndexOfModel(SearchSpace space, string folder)
    {
        for (var i = 0; i < space.Models.Count; i++)
            if (space.Models[i].Path == folder) return i;
        return -2;
    }
}
