using System.Runtime.InteropServices;
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
        // Under the log-likelihood metric the scores are the log-likelihoods: the same bits and seed give the same
        // interval, and one bootstrap was a sixth of the scorer's own time (wall less ORT Run) on the zoo's log-likelihood pass.
        var logLikelihood = !settings.Metric.IsBinary() && SameBits(scores, logLikelihoods) ? score : BootstrapInterval.OfMean(logLikelihoods, bootstrapSeed);
        return new TaskScore(task, settings.Metric, settings.Weight, score, logLikelihood, items);
    }

    private static bool SameBits(double[] a, double[] b) =>
        MemoryMarshal.Cast<double, long>(a).SequenceEqual(MemoryMarshal.Cast<double, long>(b));
}
