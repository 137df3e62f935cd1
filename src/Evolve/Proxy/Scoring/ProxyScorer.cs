using Evolve.Randomness;

namespace Evolve.Proxy.Scoring;

/// <summary>Settings of one scoring pass.</summary>
internal sealed record ScoringOptions(int BatchSize = 16, int? MaxNewTokens = null, ulong Seed = 0);

/// <summary>
/// Scores a model on proxy items: exact match of greedy generations and mean answer log-likelihood, per item and
/// per task. Items are tokenized once; the same encoded set can score many weight sets.
/// </summary>
internal sealed class ProxyScorer
{
    private readonly ITokenCodec _codec;
    private readonly IReadOnlyList<EncodedItem> _items;
    private readonly ScoringOptions _options;

    public ProxyScorer(ITokenCodec codec, IReadOnlyList<ProxyItem> items, ScoringOptions options)
    {
        _codec = codec;
        _options = options;
        _items = items.Select(item => EncodedItem.Encode(item, codec)).ToArray();
    }

    public IReadOnlyList<EncodedItem> Items => _items;

    /// <summary>
    /// The generation limit of each item. Without an explicit limit, generation stops one token past the longest
    /// answer of the item's task (end of sequence excluded): a longer generation can no longer equal a reference,
    /// so the extra steps could not change a score.
    /// </summary>
    public int[] MaxNewTokens()
    {
        if (_options.MaxNewTokens is { } limit)
            return _items.Select(_ => limit).ToArray();
        var byTask = _items.GroupBy(i => i.Item.Task).ToDictionary(g => g.Key, g => g.Max(i => i.AnswerIds.Length));
        return _items.Select(i => byTask[i.Item.Task]).ToArray();
    }

    public IReadOnlyList<TaskScore> Score(ICausalLm model)
    {
        var logLikelihoods = AnswerLogLikelihood.Score(model, _items, _options.BatchSize);
        var generations = GreedyGenerator.Generate(model, _items.Select(i => i.PromptIds).ToArray(), _codec.EosId, MaxNewTokens(), _options.BatchSize);
        var scores = new ItemScore[_items.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var item = _items[i].Item;
            var text = _codec.Decode(generations[i]);
            scores[i] = new ItemScore(item.Id, item.Task, text == item.ReferenceAnswer, logLikelihoods[i], text);
        }
        return scores
            .GroupBy(s => s.Task)
            .Select(g => TaskScore.Of(g.Key, g.ToArray(), CounterRandom.Hash(_options.Seed, CounterRandom.Hash(g.Key))))
            .ToArray();
    }
}
