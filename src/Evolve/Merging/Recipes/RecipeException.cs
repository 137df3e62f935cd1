using Evolve.Errors;

namespace Evolve.Merging.Recipes;

/// <summary>A recipe Evolve cannot merge: located at its file and YAML line where known.</summary>
internal sealed class RecipeException(string location, string problem, string? remedy = null, Exception? inner = null)
    : EvolveInputException(location, problem, remedy, inner);
