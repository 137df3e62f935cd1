namespace Evolve.Search.Terminations;

internal sealed class WallClockLimit(TimeSpan limit) : ITermination
{
    public string? Check(SearchProgress progress) =>
        progress.Elapsed >= limit ? $"ran for the time limit of {limit:g}" : null;
}
