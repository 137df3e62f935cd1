using System.Buffers;

namespace Evolve.Text;

/// <summary>
/// Finds added tokens in text the way the reference library does: leftmost-longest matches (a trie walked from
/// each position), skipping single_word tokens that touch a word character, widening lstrip/rstrip tokens over
/// the neighbouring whitespace.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly Node _root = new();
    private readonly SearchValues<char> _firstChars;

    public AddedTokenMatcher(IEnumerable<(string Pattern, AddedToken Token)> tokens)
    {
        foreach (var (pattern, token) in tokens)
        {
            if (pattern.Length == 0)
                continue;
            var node = _root;
            foreach (var c in pattern)
            {
                node.Children ??= new Dictionary<char, Node>();
                if (!node.Children.TryGetValue(c, out var child))
                    node.Children[c] = child = new Node();
                node = child;
            }
            // The first token listed with a given content wins, as with the reference's trie.
            node.Token ??= token;
        }
        _firstChars = SearchValues.Create(_root.Children?.Keys.ToArray() ?? []);
    }

    /// <summary>Splits <paramref name="text"/> into stretches, each either plain text (token null) or an added token.</summary>
    public void Split(string text, List<(int Start, int End, AddedToken? Token)> output)
    {
        var startOffset = 0;
        var position = 0;
        while (position < text.Length)
        {
            var next = text.AsSpan(position).IndexOfAny(_firstChars);
            if (next < 0)
                break;
            position += next;
            var (length, token) = LongestAt(text, position);
            if (token is null)
            {
                position++;
                continue;
            }
            var start = position;
            var stop = position + length;
            position = stop;
            if (token.SingleWord)
            {
                var before = start >= 2 && char.IsSurrogatePair(text, start - 2) ? start - 2 : start - 1;
                var startIsBoundary = start == 0 || !IsWordCharacter(text, before);
                var stopIsBoundary = stop == text.Length || !IsWordCharacter(text, stop);
                if (!startIsBoundary || !stopIsBoundary)
                    continue;
            }
            if (token.LStrip)
            {
                var newStart = start;
                while (newStart > 0 && char.IsWhiteSpace(text[newStart - 1]))
                    newStart--;
                start = Math.Max(newStart, startOffset);
            }
            if (token.RStrip)
                while (stop < text.Length && char.IsWhiteSpace(text[stop]))
                    stop++;
            if (startOffset < start)
                output.Add((startOffset, start, null));
            output.Add((start, stop, token));
            startOffset = stop;
        }
        if (startOffset < text.Length)
            output.Add((startOffset, text.Length, null));
    }

    /// <summary>Whether the code point at <paramref name="index"/> is in Unicode's word class (\w of the reference).</summary>
    private static bool IsWordCharacter(string text, int index) =>
        TokenizerRegex.IsWordCharacter(char.IsSurrogatePair(text, index) ? char.ConvertToUtf32(text, index) : text[index]);

    private (int Length, AddedToken? Token) LongestAt(string text, int position)
    {
        var node = _root;
        var best = (0, (AddedToken?)null);
        for (var i = position; i < text.Length; i++)
        {
            if (node.Children is null || !node.Children.TryGetValue(text[i], out node))
                break;
            if (node.Token is not null)
                best = (i + 1 - position, node.Token);
        }
        return best;
    }

    private sealed class Node
    {
        public Dictionary<char, Node>? Children;
        public AddedToken? Token;
    }
}
