using Evolve.Proxy.Statistics;
using Evolve.Search.Evaluation;

namespace Evolve.Soups;

/// <summary>
/// One ingredient: its name, the model folder the soup recipe names (for a run's recipe, the folder its merge is to be
/// written to), the recipe file it comes from (a run's), its run candidate id and search fitness, and its held-out scores.
/// </summary>
internal sealed record SoupIngredient(string Name, string Folder, string? Recipe, long? Candidate, Interval? SearchFitness, ModelScores HeldOut);
