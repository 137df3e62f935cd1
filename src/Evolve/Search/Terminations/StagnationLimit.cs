namespace Evolve.Search.Terminations;

/// <summary>Stops after <c>candidates</c> tells without the best fitness improving (the tolerance is applied by whoever tracks progress).</summary>
internal sealed class StagnationLimit(long candidates) : ITermination
{
    public string? Check(SearchProgress progress) =>
        progress.CandidatesSinceImprovement >= candidates ? $"no improvement in the last {candidates} candidates" : null;
}
