using Evolve.Search.Evaluation;

namespace Evolve.Soups;

/// <summary>
/// A finished soup: the ingredients (in input order), the greedy trace (indices into them), the uniform soup of every
/// ingredient as the baseline, and where the files went.
/// </summary>
internal sealed record SoupResult(
    string? RunFolder,
    ulong Seed,
    IReadOnlyList<SoupIngredient> Ingredients,
    GreedyOutcome<ModelScores> Greedy,
    ModelScores Uniform,
    string OutputFolder)
{
    public const string JsonFile = "soup.json";
    public const string RecipeFile = "soup.yaml";
    public const string UniformRecipeFile = "uniform-soup.yaml";

    public string JsonPath => Path.Combine(OutputFolder, JsonFile);

    public string RecipePath => Path.Combine(OutputFolder, RecipeFile);

    public string UniformRecipePath => Path.Combine(OutputFolder, UniformRecipeFile);
}
