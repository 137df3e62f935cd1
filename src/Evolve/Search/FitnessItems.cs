using Evolve.Search.Store;

namespace Evolve.Search;

/// <summary>
/// A candidate's item scores as the values whose plain mean is its fitness. Fitness is Σ_t w_t·mean_t / Σ w over
/// tasks, so item i of task t contributes c_t·score with c_t = w_t·N / (n_t·Σ w) (N items in all, n_t in task t);
/// with equal weights and equal task sizes c_t = 1 and 0/1 scores stay 0/1 (McNemar applies). Items are ordered by
/// (task, item id), so two candidates scored on the same items pair up index by index.
/// </summary>
internal sealed class FitnessItems(IReadOnlyDictionary<string, double> taskWeights)
{
    public double[] Values(IReadOnlyList<StoredItemScore> items)
    {
        var ordered = items.OrderBy(i => i.Task, StringComparer.Ordinal).ThenBy(i => i.Item, StringComparer.Ordinal).ToArray();
        var counts = ordered.GroupBy(i => i.Task).ToDictionary(g => g.Key, g => g.Count());
        var totalWeight = counts.Keys.Sum(Weight);
        var values = new double[ordered.Length];
        for (var i = 0; i < ordered.Length; i++)
        {
            var task = ordered[i].Task;
            var factor = Weight(task) * ordered.Length / (counts[task] * totalWeight);
            values[i] = factor == 1 ? ordered[i].Value : factor * ordered[i].Value;
        }
        return values;
    }

    /// <summary>The (task, item) keys in the order of <see cref="Values"/>.</summary>
    public static IEnumerable<(string Task, string Item)> Keys(IReadOnlyList<StoredItemScore> items) =>
        items.Select(i => (i.Task, i.Item)).OrderBy(k => k.Task, StringComparer.Ordinal).ThenBy(k => k.Item, StringComparer.Ordinal);

    private double Weight(string task) =>
        taskWeights.TryGetValue(task, out var w) ? w : throw new InvalidOperationException($"no weight for task {task}");
}
