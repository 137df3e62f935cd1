using Evolve.Proxy.Statistics;

namespace Evolve.Proxy.Scoring;

/// <summary>
/// A task's scores with 95% intervals: Wilson for exact match (a proportion), percentile bootstrap for the mean
/// answer log-likelihood (continuous).
/// </summary>
public sealed record TaskScore(string Task, Interval ExactMatch, Interval LogLikelihood, IReadOnlyList<ItemScore> Items)
{
    public static TaskScore Of(string task, IReadOnlyList<ItemScore> items, ulong bootstrapSeed)
    {
        var exact = WilsonInterval.Of(items.Count(i => i.Exact), items.Count);
        var logLikelihoods = items.Select(i => i.LogLikelihood).ToArray();
        return new TaskScore(task, exact, BootstrapInterval.OfMean(logLikelihoods, bootstrapSeed), items);
    }
}
