using Evolve.Errors;

namespace Evolve.Search.Space;

/// <summary>A search space Evolve cannot use: located at "file:line" of the space YAML, with the key path in the problem.</summary>
internal sealed class SearchSpaceException(string location, string problem, string? remedy = null, Exception? inner = null)
    : EvolveInputException(location, problem, remedy, inner);
