namespace Evolve.Search.Terminations;

internal sealed class CandidateBudget(long candidates) : ITermination
{
    public long Candidates { get; } = candidates > 0 ? candidates : throw new ArgumentOutOfRangeException(nameof(candidates), "a budget needs at least one candidate");

    public string? Check(SearchProgress progress) =>
        progress.CandidatesDone >= Candidates ? $"evaluated the budget of {Candidates} candidates" : null;
}
