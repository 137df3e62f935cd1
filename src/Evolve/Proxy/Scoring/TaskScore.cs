using Evolve.Proxy.Statistics;
using Evolve.Proxy.Tasks;

namespace Evolve.Proxy.Scoring;

/// <summary>
/// A task's scores with 95% intervals: <see cref="Score"/> under the task's metric (Wilson for 0/1 metrics,
/// percentile bootstrap for the log-likelihood) and the mean answer log-likelihood (bootstrap), with the items.
/// </summary>
public sealed record TaskScore(string Task, TaskMetric Metric, double Weight, Interval Score, Interval LogLikelihood, IReadOnlyList<ItemScore> Items)
{
    public static TaskScore Of(string task, TaskSettings settings, IReadOnlyList<ItemScore> items, ulong bootstrapSeed)
    {
        var scores = items.Select(i => i.Score).ToArray();
        var score = settings.Metric.IsBinary()
            ? WilsonInterval.Of(scores.Count(s => s == 1), scores.Length)
            : BootstrapInterval.OfMean(scores, bootstrapSeed);
        var logLikelihoods = items.Select(i => i.LogLikelihood).ToArray();
        return new TaskScore(task, settings.Metric, settings.Weight, score, BootstrapInterval.OfMean(logLikelihoods, bootstrapSeed), items);
    }
}
