using Evolve.Proxy.Tasks;

namespace Evolve.Proxy.Scoring;

/// <summary>
/// A proxy item tokenized once per proxy set under its task's settings: the templated prompt with the tokenizer's
/// special tokens; the reference answer without them, followed by the end-of-sequence id the model must also
/// predict; and, for multiple choice, each choice after the task's delimiter (no end of sequence, as lm-eval scores
/// choices).
/// </summary>
internal sealed record EncodedItem(ProxyItem Item, TaskSettings Settings, int[] PromptIds, int[] AnswerIds, int[][] ChoiceIds)
{
    public int Length => PromptIds.Length + AnswerIds.Length;

    /// <summary>The longest row this item puts through the model: prompt plus its longest continuation or generation.</summary>
    public int LongestRow(int maxNewTokens) =>
        PromptIds.Length + Math.Max(AnswerIds.Length, Math.Max(Settings.Metric.NeedsGeneration() ? maxNewTokens : 0, ChoiceIds.Length == 0 ? 0 : ChoiceIds.Max(c => c.Length)));

    public static EncodedItem Encode(ProxyItem item, ITokenCodec codec) => Encode(item, TaskSettings.Default, codec);

    public static EncodedItem Encode(ProxyItem item, TaskSettings settings, ITokenCodec codec)
    {
        if (settings.Metric.NeedsChoices() && !item.IsMultipleChoice)
            throw new ProxySetException(item.Source, $"task \"{item.Task}\" is scored by {settings.Metric.Name()} but this query has no \"choices\"",
                "give the query \"choices\" and an \"answer\" index, or score the task with a generation metric");
        if (settings.Metric == TaskMetric.Regex)
            CheckPattern(item);
        var prompt = codec.Encode(settings.FormatPrompt(item.Prompt), addSpecialTokens: true);
        // A regex reference is a pattern, not text the model could say: it has no answer log-likelihood.
        int[] answer = settings.Metric == TaskMetric.Regex ? [] : [.. codec.Encode(item.ReferenceAnswer, addSpecialTokens: false), codec.EosId];
        var choices = settings.Metric.NeedsChoices()
            ? item.Choices!.Select(c => codec.Encode(settings.ChoiceDelimiter + c, addSpecialTokens: false)).ToArray()
            : [];
        if (choices.Any(c => c.Length == 0))
            throw new ProxySetException(item.Source, "a choice encodes to no tokens", "give every choice some text");
        return new EncodedItem(item, settings, prompt, answer, choices);
    }

    private static void CheckPattern(ProxyItem item)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(item.ReferenceAnswer);
        }
        catch (ArgumentException e)
        {
            throw new ProxySetException(item.Source, $"the answer is not a valid regular expression ({e.Message})", "the regex metric reads each answer as a .NET pattern");
        }
    }
}
