using Evolve.Proxy.Statistics;

namespace Evolve.Search.Store;

/// <summary>
/// One told candidate as the run store keeps it. <see cref="Sequence"/> is the order of tells (0, 1, …), which with
/// asynchronous evaluation differs from the ask order <see cref="Id"/>; replay needs both.
/// </summary>
/// <param name="Fitness">Estimate and 95% interval; null for a failed candidate.</param>
/// <param name="TimingsMs">Milliseconds per phase (merge, bind, score …).</param>
/// <param name="ServedFrom">The candidate whose identical recipe supplied this result, when it was not evaluated.</param>
/// <param name="ItemsSaved">Items racing did not score (0 unless raced out).</param>
internal sealed record CandidateRecord(
    long Id,
    long Sequence,
    double[] Genome,
    string Recipe,
    string RecipeHash,
    CandidateStatus Status,
    string? Failure,
    Interval? Fitness,
    int ItemsEvaluated,
    IReadOnlyDictionary<string, double> TimingsMs,
    long? ServedFrom,
    int ItemsSaved = 0);
