using Evolve.Checkpoints;
using Evolve.Merging.Planning;
using Evolve.Merging.Recipes;

namespace Evolve.Merging.Execution;

/// <summary>
/// A mergekit recipe merged in memory by the merge engine, readable as a tensor source (a pinned weight-set
/// snapshot): `evolve score RECIPE.yaml` scores it without writing a checkpoint. <see cref="ReferenceFolder"/> is the
/// recipe's reference model (its base), whose tokenizer and config the merged model shares.
/// </summary>
internal sealed class MergedRecipe : IDisposable
{
    private readonly ModelLocator _locator;
    private readonly ModelSet _models;
    private readonly WeightSet _weights;
    private readonly WeightSnapshot _snapshot;

    private MergedRecipe(ModelLocator locator, ModelSet models, WeightSet weights, WeightSnapshot snapshot, string referenceFolder)
    {
        _locator = locator;
        _models = models;
        _weights = weights;
        _snapshot = snapshot;
        ReferenceFolder = referenceFolder;
    }

    public ITensorSource Weights => _snapshot;

    public string ReferenceFolder { get; }

    public static bool IsRecipe(string path) =>
        File.Exists(path) && (path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase));

    public static MergedRecipe Merge(string recipePath, ulong seed = 0) =>
        Merge(RecipeYaml.Load(recipePath), Path.GetDirectoryName(Path.GetFullPath(recipePath)), seed);

    /// <summary>A recipe held in memory (e.g. from a run store); relative model paths resolve against <paramref name="recipeFolder"/>.</summary>
    public static MergedRecipe Merge(Recipe recipe, string? recipeFolder, ulong seed = 0)
    {
        var locator = new ModelLocator(recipeFolder);
        ModelSet? models = null;
        var weights = new WeightSet();
        try
        {
            models = ModelSet.Open(recipe.AllModels(), locator.Open);
            var plan = MergePlanner.Plan(recipe, models, seed);
            new MergeExecutor().MergeInto(plan, weights);
            return new MergedRecipe(locator, models, weights, weights.Acquire(), locator.Folder(plan.ReferenceModel).Path);
        }
        catch
        {
            weights.Dispose();
            models?.Dispose();
            locator.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _snapshot.Dispose();
        _weights.Dispose();
        _models.Dispose();
        _locator.Dispose();
    }
}
