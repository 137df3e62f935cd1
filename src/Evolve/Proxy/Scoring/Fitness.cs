using Evolve.Proxy.Statistics;
using Evolve.Randomness;

namespace Evolve.Proxy.Scoring;

/// <summary>
/// A candidate's fitness: the weighted mean of its task scores, Σ w_t·mean_t / Σ w_t, with a 95% percentile
/// bootstrap interval that resamples items within each task (stratified, so every resample keeps each task's size and
/// weight). Draws are counter-based on (seed, task, resample, position): the interval is a pure function of the
/// scores and the seed.
/// </summary>
internal static class Fitness
{
    public static Interval Of(IReadOnlyList<TaskScore> tasks, ulong seed, int resamples = BootstrapInterval.DefaultResamples, double confidence = 0.95)
    {
        var totalWeight = tasks.Sum(t => t.Weight);
        var scores = tasks.Select(t => t.Items.Select(i => i.Score).ToArray()).ToArray();
        var estimate = WeightedMean(tasks, scores.Select(s => BootstrapInterval.Mean(s)).ToArray(), totalWeight);
        var means = new double[resamples];
        var taskMeans = new double[tasks.Count];
        for (var r = 0; r < resamples; r++)
        {
            for (var t = 0; t < tasks.Count; t++)
            {
                var values = scores[t];
                var taskSeed = CounterRandom.Hash(seed, CounterRandom.Hash(tasks[t].Task));
                double sum = 0;
                for (var k = 0; k < values.Length; k++)
                    sum += values[CounterRandom.ToIndex(CounterRandom.Hash(taskSeed, (ulong)r, (ulong)k), values.Length)];
                taskMeans[t] = sum / values.Length;
            }
            means[r] = WeightedMean(tasks, taskMeans, totalWeight);
        }
        Array.Sort(means);
        var tail = (1 - confidence) / 2;
        return new Interval(estimate, BootstrapInterval.Quantile(means, tail), BootstrapInterval.Quantile(means, 1 - tail), scores.Sum(s => s.Length));
    }

    private static double WeightedMean(IReadOnlyList<TaskScore> tasks, double[] means, double totalWeight)
    {
        double sum = 0;
        for (var t = 0; t < tasks.Count; t++)
            sum += tasks[t].Weight * means[t];
        return sum / totalWeight;
    }
}
