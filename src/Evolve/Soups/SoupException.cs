using Evolve.Errors;

namespace Evolve.Soups;

/// <summary>A soup that cannot be made as asked: too few ingredients, an output folder already used.</summary>
public sealed class SoupException(string location, string problem, string? remedy = null)
    : EvolveInputException(location, problem, remedy);
