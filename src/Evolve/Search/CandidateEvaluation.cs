using Evolve.Proxy.Statistics;
using Evolve.Search.Store;

namespace Evolve.Search;

/// <summary>
/// What an evaluator found: fitness with its interval and per-item scores, or why it failed. <see cref="ItemsSaved"/>
/// counts the items racing did not score.
/// </summary>
internal sealed record CandidateEvaluation(
    CandidateStatus Status,
    Interval? Fitness,
    IReadOnlyList<StoredItemScore> Items,
    string? Failure = null,
    IReadOnlyDictionary<string, double>? TimingsMs = null,
    int ItemsSaved = 0)
{
    public static CandidateEvaluation Scored(Interval fitness, IReadOnlyList<StoredItemScore> items, IReadOnlyDictionary<string, double>? timingsMs = null) =>
        new(CandidateStatus.Ok, fitness, items, null, timingsMs);

    public static CandidateEvaluation RacedOut(Interval partialFitness, IReadOnlyList<StoredItemScore> items, int itemsSaved,
        IReadOnlyDictionary<string, double>? timingsMs = null) =>
        new(CandidateStatus.RacedOut, partialFitness, items, null, timingsMs, itemsSaved);

    public static CandidateEvaluation Failed(string reason, IReadOnlyDictionary<string, double>? timingsMs = null) =>
        new(CandidateStatus.Failed, null, [], reason, timingsMs);
}
