namespace Evolve.Export;

/// <summary>The names of what an export writes into its folder.</summary>
internal static class ExportFiles
{
    public const string RecipeYaml = "recipe.yaml";
    public const string RecipeJson = "recipe.json";
    public const string Manifest = "manifest.json";
    public const string MergedFolder = "model";
}
