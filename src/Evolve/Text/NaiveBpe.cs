using Evolve.Text.Models;

namespace Evolve.Text;

/// <summary>
/// The textbook BPE loop, kept as the benchmark's baseline: rescan every adjacent pair for the lowest-ranked rule,
/// merge its occurrences left to right, repeat; no cache, no priority queue. Handles the options the benchmark's
/// tokenizers use (ignore_merges, byte_fallback, unk) and refuses subword prefixes/suffixes.
/// </summary>
internal sealed class NaiveBpe
{
    private readonly BpeModel _model;

    public NaiveBpe(BpeModel model)
    {
        if (model.Options.ContinuingSubwordPrefix is { Length: > 0 } || model.Options.EndOfWordSuffix is { Length: > 0 })
            throw new NotSupportedException("the naive baseline does not implement subword prefixes or suffixes");
        _model = model;
    }

    public void Tokenize(string word, List<int> ids)
    {
        var vocabulary = _model.Vocabulary;
        if (_model.Options.IgnoreMerges && vocabulary.TryGetId(word, out var whole))
        {
            ids.Add(whole);
            return;
        }
        var symbols = new List<int>();
        for (var i = 0; i < word.Length; i += char.IsSurrogatePair(word, i) ? 2 : 1)
        {
            var character = word.Substring(i, char.IsSurrogatePair(word, i) ? 2 : 1);
            if (vocabulary.TryGetId(character, out var id))
                symbols.Add(id);
            else if (_model.Options.ByteFallback)
                symbols.AddRange(System.Text.Encoding.UTF8.GetBytes(character).Select(b => vocabulary[$"<0x{b:X2}>"] ?? -1));
            else if (_model.Options.UnkToken is { } unk && vocabulary[unk] is { } unkId)
                symbols.Add(unkId);
        }
        while (true)
        {
            var best = (Rank: int.MaxValue, Left: -1, Right: -1, NewId: -1);
            for (var i = 0; i + 1 < symbols.Count; i++)
                if (_model.Merges.TryGetValue(BpeMerge.Key(symbols[i], symbols[i + 1]), out var merge) && merge.Rank < best.Rank)
                    best = (merge.Rank, symbols[i], symbols[i + 1], merge.NewId);
            if (best.NewId < 0)
                break;
            for (var i = 0; i + 1 < symbols.Count; i++)
            {
                if (symbols[i] != best.Left || symbols[i + 1] != best.Right)
                    continue;
                symbols[i] = best.NewId;
                symbols.RemoveAt(i + 1);
            }
        }
        ids.AddRange(symbols);
    }
}
