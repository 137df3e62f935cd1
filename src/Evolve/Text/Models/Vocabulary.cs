namespace Evolve.Text.Models;

/// <summary>A token ↔ id table, looked up by span so the hot path allocates no strings.</summary>
internal sealed class Vocabulary
{
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanLookup;
    private readonly string?[] _tokens;

    public Vocabulary(Dictionary<string, int> ids)
    {
        _ids = ids;
        _spanLookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _tokens = new string?[ids.Count == 0 ? 0 : ids.Values.Max() + 1];
        foreach (var (token, id) in ids)
            _tokens[id] = token;
    }

    /// <summary>One past the largest id.</summary>
    public int Count => _tokens.Length;

    public int EntryCount => _ids.Count;

    public bool TryGetId(ReadOnlySpan<char> token, out int id) => _spanLookup.TryGetValue(token, out id);

    public int? this[string token] => _ids.TryGetValue(token, out var id) ? id : null;

    public string? Token(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;
}
