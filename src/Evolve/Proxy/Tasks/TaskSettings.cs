namespace Evolve.Proxy.Tasks;

/// <summary>
/// How one task is scored: its metric, its weight in the fitness, the generation limit and stop strings, how answers
/// are normalized before comparison, the prompt template (<c>{prompt}</c> stands for the item's prompt) and, for
/// multiple choice, the text put between the prompt and each choice (lm-eval's target_delimiter, " " by default).
/// </summary>
public sealed record TaskSettings
{
    public const string PromptPlaceholder = "{prompt}";

    public TaskMetric Metric { get; init; } = TaskMetric.ExactMatch;

    public double Weight { get; init; } = 1.0;

    /// <summary>Null: one token past the task's longest reference (a longer generation cannot match it anyway).</summary>
    public int? MaxNewTokens { get; init; }

    public IReadOnlyList<string> Stop { get; init; } = [];

    public AnswerNormalization Normalize { get; init; } = AnswerNormalization.None;

    public string Template { get; init; } = PromptPlaceholder;

    public string ChoiceDelimiter { get; init; } = " ";

    public static TaskSettings Default { get; } = new();

    public string FormatPrompt(string prompt) => Template.Replace(PromptPlaceholder, prompt, StringComparison.Ordinal);

    /// <summary>The generation up to (not including) the earliest stop string.</summary>
    public string CutAtStop(string generated)
    {
        var end = generated.Length;
        foreach (var stop in Stop)
        {
            var at = generated.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && at < end)
                end = at;
        }
        return generated[..end];
    }

    /// <summary>The 0/1 outcome of a generation against the reference under a generation metric.</summary>
    public double Judge(string generated, string reference)
    {
        var output = AnswerNormalizer.Apply(CutAtStop(generated), Normalize);
        return Metric switch
        {
            TaskMetric.ExactMatch => output == AnswerNormalizer.Apply(reference, Normalize) ? 1 : 0,
            TaskMetric.Contains => output.Contains(AnswerNormalizer.Apply(reference, Normalize), StringComparison.Ordinal) ? 1 : 0,
            TaskMetric.Regex => System.Text.RegularExpressions.Regex.IsMatch(output, reference, System.Text.RegularExpressions.RegexOptions.CultureInvariant) ? 1 : 0,
            _ => throw new InvalidOperationException($"{Metric} does not judge generations"),
        };
    }
}
