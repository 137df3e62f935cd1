using System.Collections.Concurrent;
using System.Text;

namespace Evolve.Text.Models;

/// <summary>
/// Byte-pair encoding as tokenizer.json defines it: a word starts as one symbol per character (unknown characters
/// become byte tokens with byte_fallback, else the unknown token, else nothing), then the adjacent pair with the
/// lowest merge rank is merged, leftmost first, until no pair has a rule. Results are cached per word.
/// </summary>
internal sealed class BpeModel : ITokenizerModel
{
    private const int CacheCapacity = 10_000;
    private const int LongestCachedWord = 256;

    private readonly Vocabulary _vocabulary;
    private readonly Dictionary<long, BpeMerge> _merges;
    private readonly BpeOptions _options;
    private readonly string _file;
    private readonly int[] _byteIds;
    private readonly int? _unkId;
    private readonly ConcurrentDictionary<string, int[]> _cache = new();

    [ThreadStatic] private static Scratch? t_scratch;

    public BpeModel(Vocabulary vocabulary, Dictionary<long, BpeMerge> merges, BpeOptions options, string file)
    {
        _vocabulary = vocabulary;
        _merges = merges;
        _options = options;
        _file = file;
        _byteIds = new int[256];
        for (var b = 0; b < 256; b++)
            _byteIds[b] = vocabulary.TryGetId($"<0x{b:X2}>", out var id) ? id : -1;
        _unkId = options.UnkToken is { } unk && vocabulary.TryGetId(unk, out var unkId) ? unkId : null;
    }

    public int VocabularySize => _vocabulary.Count;

    internal Vocabulary Vocabulary => _vocabulary;

    internal IReadOnlyDictionary<long, BpeMerge> Merges => _merges;

    internal BpeOptions Options => _options;

    public int TokenCount => _vocabulary.EntryCount;

    public string? IdToToken(int id) => _vocabulary.Token(id);

    public int? TokenToId(string token) => _vocabulary[token];

    public void Tokenize(string word, List<int> ids)
    {
        if (word.Length == 0)
            return;
        if (_options.IgnoreMerges && _vocabulary.TryGetId(word, out var whole))
        {
            ids.Add(whole);
            return;
        }
        if (_cache.TryGetValue(word, out var cached))
        {
            ids.AddRange(cached);
            return;
        }

        var scratch = t_scratch ??= new Scratch();
        scratch.Reset();
        BuildSymbols(word, scratch);
        MergeAll(scratch);
        var result = scratch.Collect();
        if (word.Length < LongestCachedWord && _cache.Count < CacheCapacity)
            _cache.TryAdd(word, result);
        ids.AddRange(result);
    }

    private void BuildSymbols(string word, Scratch scratch)
    {
        var prefix = _options.ContinuingSubwordPrefix;
        var suffix = _options.EndOfWordSuffix;
        var pendingUnk = false;
        Span<char> composed = stackalloc char[64];
        for (var i = 0; i < word.Length;)
        {
            var width = char.IsSurrogatePair(word, i) ? 2 : 1;
            var isFirst = i == 0;
            var isLast = i + width == word.Length;
            scoped ReadOnlySpan<char> symbol = word.AsSpan(i, width);
            if (!isFirst && !string.IsNullOrEmpty(prefix) || isLast && !string.IsNullOrEmpty(suffix))
            {
                var before = isFirst ? null : prefix;
                var after = isLast ? suffix : null;
                var length = (before?.Length ?? 0) + width + (after?.Length ?? 0);
                symbol = Compose(before, symbol, after, length <= composed.Length ? composed[..length] : new char[length]);
            }
            i += width;

            if (_vocabulary.TryGetId(symbol, out var id))
            {
                if (pendingUnk)
                    scratch.Add(_unkId!.Value);
                pendingUnk = false;
                scratch.Add(id);
                continue;
            }
            if (_options.ByteFallback && TryAddBytes(symbol, scratch))
                continue;
            if (_options.UnkToken is null)
                continue;
            if (_unkId is null)
                throw new TokenizerFormatException(_file, "model.unk_token",
                    $"the unk_token \"{_options.UnkToken}\" is not in model.vocab", "Add it to the vocabulary");
            if (pendingUnk && !_options.FuseUnk)
                scratch.Add(_unkId.Value);
            pendingUnk = true;
        }
        if (pendingUnk)
            scratch.Add(_unkId!.Value);
    }

    private static ReadOnlySpan<char> Compose(string? prefix, scoped ReadOnlySpan<char> symbol, string? suffix, Span<char> buffer)
    {
        prefix.AsSpan().CopyTo(buffer);
        symbol.CopyTo(buffer[(prefix?.Length ?? 0)..]);
        suffix.AsSpan().CopyTo(buffer[((prefix?.Length ?? 0) + symbol.Length)..]);
        return buffer;
    }

    /// <summary>Adds one &lt;0xXX&gt; token per UTF-8 byte, or nothing when any byte token is missing.</summary>
    private bool TryAddBytes(ReadOnlySpan<char> symbol, Scratch scratch)
    {
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(symbol.Length)];
        bytes = bytes[..Encoding.UTF8.GetBytes(symbol, bytes)];
        foreach (var b in bytes)
            if (_byteIds[b] < 0)
                return false;
        foreach (var b in bytes)
            scratch.Add(_byteIds[b]);
        return true;
    }

    private void MergeAll(Scratch s)
    {
        var queue = s.Queue;
        for (var pos = 0; pos + 1 < s.Count; pos++)
            Enqueue(s, pos, pos + 1);
        while (queue.TryDequeue(out var pos, out var priority))
        {
            var next = s.Next[pos];
            if (s.Ids[pos] < 0 || next < 0)
                continue;
            // The queue may hold pairs made stale by earlier merges; act only if the rule still applies here.
            if (!_merges.TryGetValue(BpeMerge.Key(s.Ids[pos], s.Ids[next]), out var merge) || merge.Rank != (int)(priority >> 32))
                continue;
            s.Ids[pos] = merge.NewId;
            s.Ids[next] = -1;
            var after = s.Next[next];
            s.Next[pos] = after;
            if (after >= 0)
                s.Prev[after] = pos;
            if (s.Prev[pos] >= 0)
                Enqueue(s, s.Prev[pos], pos);
            if (after >= 0)
                Enqueue(s, pos, after);
        }
    }

    private void Enqueue(Scratch s, int left, int right)
    {
        if (_merges.TryGetValue(BpeMerge.Key(s.Ids[left], s.Ids[right]), out var merge))
            s.Queue.Enqueue(left, ((long)merge.Rank << 32) | (uint)left);
    }

    /// <summary>Per-thread symbol list (a doubly linked list over arrays) and merge queue, reused across words.</summary>
    private sealed class Scratch
    {
        public int[] Ids = new int[64];
        public int[] Prev = new int[64];
        public int[] Next = new int[64];
        public int Count;
        public readonly PriorityQueue<int, long> Queue = new();

        public void Reset()
        {
            Count = 0;
            Queue.Clear();
        }

        public void Add(int id)
        {
            if (Count == Ids.Length)
            {
                Array.Resize(ref Ids, Count * 2);
                Array.Resize(ref Prev, Count * 2);
                Array.Resize(ref Next, Count * 2);
            }
            Ids[Count] = id;
            Prev[Count] = Count - 1;
            Next[Count] = -1;
            if (Count > 0)
                Next[Count - 1] = Count;
            Count++;
        }

        public int[] Collect()
        {
            var length = 0;
            for (var i = 0; i >= 0 && Count > 0; i = Next[i])
                length++;
            var result = new int[length];
            var at = 0;
            for (var i = 0; i >= 0 && Count > 0; i = Next[i])
                result[at++] = Ids[i];
            return result;
        }
    }
}
