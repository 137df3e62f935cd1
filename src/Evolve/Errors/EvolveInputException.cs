namespace Evolve.Errors;

/// <summary>
/// Bad input from the user: a file, tensor, line or option that Evolve cannot accept. The CLI prints
/// <see cref="Exception.Message"/> as one line and exits with code 2. Each module derives its own type
/// (CheckpointFormatException, RecipeException …) so callers can tell the layers apart.
/// </summary>
public abstract class EvolveInputException : Exception
{
    /// <param name="location">Where: a file path, optionally with ":line", "tensor NAME" or "option --x".</param>
    /// <param name="problem">What is wrong, stated as a fact.</param>
    /// <param name="remedy">What the user can do about it; null when the problem says it all.</param>
    protected EvolveInputException(string location, string problem, string? remedy = null, Exception? inner = null)
        : base(Compose(location, problem, remedy), inner)
    {
        Location = location;
        Problem = problem;
        Remedy = remedy;
    }

    public string Location { get; }
    public string Problem { get; }
    public string? Remedy { get; }

    private static string Compose(string location, string problem, string? remedy) =>
        remedy is null ? $"{location}: {problem}" : $"{location}: {problem}. {remedy}";
}
