namespace Evolve.Search.Terminations;

/// <summary>Decides whether a search stops; composable with <see cref="AnyTermination"/>.</summary>
internal interface ITermination
{
    /// <summary>Why the search should stop now, or null to go on.</summary>
    string? Check(SearchProgress progress);
}
