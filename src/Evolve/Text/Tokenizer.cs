using Evolve.Text.Decoders;
using Evolve.Text.Models;
using Evolve.Text.Normalizers;
using Evolve.Text.PostProcessors;
using Evolve.Text.PreTokenizers;

namespace Evolve.Text;

/// <summary>
/// A Hugging Face tokenizer.json, giving the ids the reference tokenizers library gives. Encoding runs its pipeline:
/// added tokens that match raw text are cut out, the rest is normalized and searched for normalized added tokens,
/// pre-tokenized into words, each word encoded by the model, and the post-processor adds special tokens.
/// Truncation and padding settings are not applied: callers batch and cut sequences themselves.
/// Thread-safe once loaded.
/// </summary>
public sealed class Tokenizer
{
    private readonly INormalizer? _normalizer;
    private readonly IPreTokenizer? _preTokenizer;
    private readonly ITokenizerModel _model;
    private readonly IPostProcessor? _postProcessor;
    private readonly IDecoder? _decoder;
    private readonly AddedTokenMatcher _rawMatcher;
    private readonly AddedTokenMatcher _normalizedMatcher;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly Dictionary<string, AddedToken> _addedByContent;

    internal Tokenizer(
        string file,
        INormalizer? normalizer,
        IPreTokenizer? preTokenizer,
        ITokenizerModel model,
        IPostProcessor? postProcessor,
        IDecoder? decoder,
        IReadOnlyList<AddedToken> addedTokens)
    {
        File = file;
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _model = model;
        _postProcessor = postProcessor;
        _decoder = decoder;
        (_addedById, _addedByContent) = NumberAddedTokens(addedTokens, model);
        VocabularySize = Math.Max(model.VocabularySize, _addedById.Count == 0 ? 0 : _addedById.Keys.Max() + 1);
        // Special tokens are searched before the others, as in the reference.
        var searchOrder = _addedByContent.Values.OrderBy(t => t.Special ? 0 : 1).ToList();
        _rawMatcher = new AddedTokenMatcher(searchOrder.Where(t => !t.Normalized).Select(t => (t.Content, t)));
        _normalizedMatcher = new AddedTokenMatcher(searchOrder.Where(t => t.Normalized)
            .Select(t => (normalizer?.Normalize(t.Content) ?? t.Content, t)));
    }

    /// <summary>The tokenizer.json this tokenizer was read from.</summary>
    public string File { get; }

    internal ITokenizerModel Model => _model;

    /// <summary>One past the largest id of the model or of an added token.</summary>
    public int VocabularySize { get; }

    /// <param name="path">A tokenizer.json, or a model folder holding one.</param>
    public static Tokenizer Load(string path) =>
        TokenizerJsonReader.Read(Directory.Exists(path) ? Path.Combine(path, "tokenizer.json") : path);

    /// <summary>The ids of <paramref name="text"/>; with <paramref name="addSpecialTokens"/> the post-processor's
    /// special tokens (e.g. BOS) are added.</summary>
    public int[] Encode(string text, bool addSpecialTokens = true) => Encode(text, null, addSpecialTokens);

    /// <summary>The ids of a sequence pair laid out by the post-processor's pair template.</summary>
    public int[] Encode(string text, string? pair, bool addSpecialTokens = true)
    {
        var first = EncodeSequence(text);
        var second = pair is null ? null : EncodeSequence(pair);
        if (_postProcessor is null)
        {
            if (second is not null)
                first.AddRange(second);
        }
        else
        {
            _postProcessor.Process(first, second, addSpecialTokens);
        }
        return first.ToArray();
    }

    /// <summary>Text for <paramref name="ids"/>; unknown ids are skipped, special tokens too when asked.</summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var tokens = new List<string>(ids.Length);
        foreach (var id in ids)
        {
            var token = _addedById.TryGetValue(id, out var added) ? added.Content : _model.IdToToken(id);
            if (token is null)
                continue;
            if (skipSpecialTokens && _addedByContent.TryGetValue(token, out var named) && named.Special)
                continue;
            tokens.Add(token);
        }
        if (_decoder is null)
            return string.Join(' ', tokens);
        _decoder.Decode(tokens);
        return string.Concat(tokens);
    }

    /// <summary>The id of a token string (added tokens first), or null.</summary>
    public int? TokenToId(string token) =>
        _addedByContent.TryGetValue(token, out var added) ? added.Id : _model.TokenToId(token);

    /// <summary>The token string of an id (added tokens first), or null.</summary>
    public string? IdToToken(int id) => _addedById.TryGetValue(id, out var added) ? added.Content : _model.IdToToken(id);

    /// <summary>
    /// The reference library ignores the ids written in added_tokens: a token the model knows keeps the model's id,
    /// a new one gets the next id after the vocabulary, in file order. Files saved by the library agree with this;
    /// hand-edited ones may not, and the reference's numbering is what their models were trained with.
    /// </summary>
    private static (Dictionary<int, AddedToken>, Dictionary<string, AddedToken>) NumberAddedTokens(
        IReadOnlyList<AddedToken> declared, ITokenizerModel model)
    {
        var byId = new Dictionary<int, AddedToken>();
        var byContent = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        var nextId = model.TokenCount;
        foreach (var token in declared)
        {
            if (token.Content.Length == 0)
                continue;
            var id = byContent.TryGetValue(token.Content, out var known) ? known.Id : model.TokenToId(token.Content) ?? nextId++;
            var numbered = token with { Id = id };
            byId[id] = numbered;
            byContent[token.Content] = numbered;
        }
        return (byId, byContent);
    }

    /// <summary>The words the model sees for <paramref name="text"/> (added tokens left out), for benchmarks.</summary>
    internal List<string> PreTokenize(string text)
    {
        var words = new List<string>();
        var stretches = new List<(int Start, int End, AddedToken? Token)>();
        var pieces = new List<Piece>();
        _rawMatcher.Split(text, stretches);
        foreach (var (start, end, token) in stretches)
        {
            if (token is not null)
                continue;
            var raw = text.Substring(start, end - start);
            pieces.Clear();
            var piece = new Piece(_normalizer?.Normalize(raw) ?? raw, start == 0);
            if (_preTokenizer is null)
                pieces.Add(piece);
            else
                _preTokenizer.PreTokenize(piece, pieces);
            words.AddRange(pieces.Select(p => p.Text));
        }
        return words;
    }

    private List<int> EncodeSequence(string text)
    {
        text = ReplaceLoneSurrogates(text);
        var ids = new List<int>();
        var stretches = new List<(int Start, int End, AddedToken? Token)>();
        var inner = new List<(int Start, int End, AddedToken? Token)>();
        var pieces = new List<Piece>();
        _rawMatcher.Split(text, stretches);
        foreach (var (start, end, token) in stretches)
        {
            if (token is not null)
            {
                ids.Add(token.Id);
                continue;
            }
            var raw = text.Substring(start, end - start);
            var normalized = _normalizer?.Normalize(raw) ?? raw;
            inner.Clear();
            _normalizedMatcher.Split(normalized, inner);
            foreach (var (innerStart, innerEnd, innerToken) in inner)
            {
                if (innerToken is not null)
                {
                    ids.Add(innerToken.Id);
                    continue;
                }
                var piece = new Piece(normalized.Substring(innerStart, innerEnd - innerStart), start == 0 && innerStart == 0);
                pieces.Clear();
                if (_preTokenizer is null)
                    pieces.Add(piece);
                else
                    _preTokenizer.PreTokenize(piece, pieces);
                foreach (var word in pieces)
                    _model.Tokenize(word.Text, ids);
            }
        }
        return ids;
    }

    /// <summary>The reference library sees text as Rust strings, where a lone UTF-16 surrogate has become U+FFFD.</summary>
    private static string ReplaceLoneSurrogates(string text)
    {
        var first = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0 || !HasLoneSurrogate(text, first))
            return text;
        var chars = text.ToCharArray();
        for (var i = first; i < chars.Length; i++)
        {
            if (char.IsSurrogatePair(text, i))
                i++;
            else if (char.IsSurrogate(chars[i]))
                chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    private static bool HasLoneSurrogate(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (char.IsSurrogatePair(text, i))
                i++;
            else if (char.IsSurrogate(text[i]))
                return true;
        }
        return false;
    }
}
