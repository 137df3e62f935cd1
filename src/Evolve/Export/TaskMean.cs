using Evolve.Search.Store;

namespace Evolve.Export;

/// <summary>A task's mean raw item score over the items scored.</summary>
internal sealed record TaskMean(string Task, double Mean, int Items)
{
    /// <summary>Per task, in task name order.</summary>
    public static IReadOnlyList<TaskMean> Of(IEnumerable<StoredItemScore> items) =>
        items.GroupBy(i => i.Task, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TaskMean(g.Key, g.Average(i => i.Value), g.Count()))
            .ToArray();
}
