namespace Evolve.Search.Terminations;

internal sealed class GenerationLimit(int generations) : ITermination
{
    public string? Check(SearchProgress progress) =>
        progress.Generation >= generations ? $"reached {generations} generations" : null;
}
