using Evolve.Errors;

namespace Evolve.Text;

/// <summary>A list of token ids given by the user that is not a JSON array of integers.</summary>
public sealed class TokenIdsException(string location, string problem)
    : EvolveInputException(location, problem, "Give the ids as a JSON array of integers, e.g. [1,15043,3186]");
