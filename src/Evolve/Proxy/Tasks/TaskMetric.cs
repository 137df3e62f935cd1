namespace Evolve.Proxy.Tasks;

/// <summary>How a task turns a model's behaviour on one item into a score.</summary>
public enum TaskMetric
{
    /// <summary>1 when the normalized greedy generation equals the normalized reference, else 0.</summary>
    ExactMatch,

    /// <summary>1 when the normalized generation contains the normalized reference, else 0.</summary>
    Contains,

    /// <summary>1 when the reference, read as a .NET regular expression, matches somewhere in the normalized generation.</summary>
    Regex,

    /// <summary>lm-eval's acc: 1 when the right choice has the highest summed log-likelihood.</summary>
    MultipleChoice,

    /// <summary>lm-eval's acc_norm: the same, with each sum divided by the choice's length in characters.</summary>
    MultipleChoiceNormalized,

    /// <summary>Mean per-token log-likelihood of the reference answer (end of sequence included): continuous, ≤ 0.</summary>
    LogLikelihood,
}

internal static class TaskMetrics
{
    /// <summary>The names a task declaration uses.</summary>
    public static readonly IReadOnlyDictionary<string, TaskMetric> ByName = new Dictionary<string, TaskMetric>(StringComparer.Ordinal)
    {
        ["exact_match"] = TaskMetric.ExactMatch,
        ["contains"] = TaskMetric.Contains,
        ["regex"] = TaskMetric.Regex,
        ["acc"] = TaskMetric.MultipleChoice,
        ["acc_norm"] = TaskMetric.MultipleChoiceNormalized,
        ["log_likelihood"] = TaskMetric.LogLikelihood,
    };

    public static string Name(this TaskMetric metric) => ByName.First(p => p.Value == metric).Key;

    /// <summary>True for the 0/1 metrics (Wilson intervals, McNemar); false for the continuous log-likelihood.</summary>
    public static bool IsBinary(this TaskMetric metric) => metric != TaskMetric.LogLikelihood;

    public static bool NeedsGeneration(this TaskMetric metric) =>
        metric is TaskMetric.ExactMatch or TaskMetric.Contains or TaskMetric.Regex;

    public static bool NeedsChoices(this TaskMetric metric) =>
        metric is TaskMetric.MultipleChoice or TaskMetric.MultipleChoiceNormalized;
}
