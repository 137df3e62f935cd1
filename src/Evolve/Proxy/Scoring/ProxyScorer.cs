using Evolve.Proxy.Tasks;
using Evolve.Randomness;

namespace Evolve.Proxy.Scoring;

/// <summary>
/// Settings of one scoring pass. <paramref name="MaxNewTokens"/> overrides every task's generation limit;
/// <paramref name="Seed"/> seeds the bootstrap intervals.
/// </summary>
internal sealed record ScoringOptions(int BatchSize = 16, int? MaxNewTokens = null, ulong Seed = 0);

/// <summary>
/// Scores a model on proxy items, each under its task's settings: one teacher-forced pass gives every item's answer
/// log-likelihood (and each choice's, a row per choice), greedy generation runs only for the generation metrics.
/// Items are tokenized once; the same encoded set scores many weight sets, whole or item by item (for racing).
/// </summary>
internal sealed class ProxyScorer
{
    /// <summary>Generation limit of contains/regex tasks that set none: their reference says nothing about the length.</summary>
    public const int OpenEndedMaxNewTokens = 32;

    private readonly ITokenCodec _codec;
    private readonly EncodedItem[] _items;
    private readonly int[] _maxNewTokens;
    private readonly ScoringOptions _options;

    public ProxyScorer(ITokenCodec codec, IReadOnlyList<ProxyItem> items, ScoringOptions options, Func<string, TaskSettings>? settingsOf = null, ModelContext? context = null)
    {
        _codec = codec;
        _options = options;
        settingsOf ??= _ => TaskSettings.Default;
        _items = items.Select(item => EncodedItem.Encode(item, settingsOf(item.Task), codec)).ToArray();
        _maxNewTokens = MaxNewTokens(_items, options.MaxNewTokens);
        if (context is not null)
            for (var i = 0; i < _items.Length; i++)
                context.Check(_items[i], _maxNewTokens[i]);
    }

    public IReadOnlyList<EncodedItem> Items => _items;

    public IReadOnlyList<int> MaxNewTokensPerItem => _maxNewTokens;

    /// <summary>
    /// Per item: the explicit limit, else the task's, else (exact match) one token past the task's longest answer,
    /// end of sequence excluded — a longer generation can no longer equal a reference, so extra steps could not change
    /// a score — else <see cref="OpenEndedMaxNewTokens"/>.
    /// </summary>
    private static int[] MaxNewTokens(EncodedItem[] items, int? limit)
    {
        var longest = items.GroupBy(i => i.Item.Task).ToDictionary(g => g.Key, g => g.Max(i => Math.Max(1, i.AnswerIds.Length)));
        return items.Select(i => limit ?? i.Settings.MaxNewTokens
            ?? (i.Settings.Metric == TaskMetric.ExactMatch ? longest[i.Item.Task] : OpenEndedMaxNewTokens)).ToArray();
    }

    public IReadOnlyList<TaskScore> Score(ICausalLm model) => Summarize(ScoreItems(model, Enumerable.Range(0, _items.Length).ToArray()));

    /// <summary>The scores of the items at <paramref name="indices"/>, in that order.</summary>
    public ItemScore[] ScoreItems(ICausalLm model, IReadOnlyList<int> indices)
    {
        var rows = new List<ContinuationRow>();
        var answerRow = new int[indices.Count];
        var firstChoiceRow = new int[indices.Count];
        for (var k = 0; k < indices.Count; k++)
        {
            var item = _items[indices[k]];
            answerRow[k] = rows.Count;
            if (!item.Settings.Metric.NeedsChoices() && item.AnswerIds.Length > 0)
                rows.Add(new ContinuationRow(item.PromptIds, item.AnswerIds));
            firstChoiceRow[k] = rows.Count;
            foreach (var choice in item.ChoiceIds)
                rows.Add(new ContinuationRow(item.PromptIds, choice));
        }
        var sums = AnswerLogLikelihood.Sums(model, rows, _options.BatchSize);

        var generating = Enumerable.Range(0, indices.Count).Where(k => _items[indices[k]].Settings.Metric.NeedsGeneration()).ToArray();
        var requests = generating.Select(k => Request(indices[k])).ToArray();
        var generated = model is IIncrementalLm { PresentOf.Count: > 0 } incremental
            ? KvCacheGenerator.Generate(incremental, requests, _codec.EosId, _options.BatchSize)
            : GreedyGenerator.Generate(model, requests, _codec.EosId, _options.BatchSize);
        var texts = new string?[indices.Count];
        for (var g = 0; g < generating.Length; g++)
            texts[generating[g]] = _codec.Decode(generated[g]);

        var scores = new ItemScore[indices.Count];
        for (var k = 0; k < indices.Count; k++)
        {
            var encoded = _items[indices[k]];
            var item = encoded.Item;
            var metric = encoded.Settings.Metric;
            double score, logLikelihood;
            if (metric.NeedsChoices())
            {
                var choiceSums = sums.AsSpan(firstChoiceRow[k], encoded.ChoiceIds.Length);
                logLikelihood = choiceSums[item.AnswerIndex!.Value] / encoded.ChoiceIds[item.AnswerIndex.Value].Length;
                score = MultipleChoice.Pick(choiceSums, metric == TaskMetric.MultipleChoiceNormalized ? item.Choices : null) == item.AnswerIndex ? 1 : 0;
            }
            else
            {
                logLikelihood = encoded.AnswerIds.Length == 0 ? double.NaN : sums[answerRow[k]] / encoded.AnswerIds.Length;
                score = metric == TaskMetric.LogLikelihood ? logLikelihood : encoded.Settings.Judge(texts[k]!, item.ReferenceAnswer);
            }
            scores[k] = new ItemScore(item.Id, item.Task, score, logLikelihood, texts[k]);
        }
        return scores;
    }

    private GenerationRequest Request(int index)
    {
        var settings = _items[index].Settings;
        Func<IReadOnlyList<int>, bool>? stop = settings.Stop.Count == 0 ? null
            : ids =>
            {
                var text = _codec.Decode(ids.ToArray());
                return settings.CutAtStop(text).Length < text.Length;
            };
        return new GenerationRequest(_items[index].PromptIds, _maxNewTokens[index], stop);
    }

    /// <summary>Per-task scores with intervals, tasks in order of first appearance, items in the order given.</summary>
    public IReadOnlyList<TaskScore> Summarize(IReadOnlyList<ItemScore> scores)
    {
        var settings = _items.GroupBy(i => i.Item.Task).ToDictionary(g => g.Key, g => g.First().Settings);
        return scores
            .GroupBy(s => s.Task)
            .Select(g => TaskScore.Of(g.Key, settings[g.Key], g.ToArray(), CounterRandom.Hash(_options.Seed, CounterRandom.Hash(g.Key))))
            .ToArray();
    }
}
