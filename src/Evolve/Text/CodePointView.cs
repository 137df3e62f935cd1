using System.Globalization;

namespace Evolve.Text;

/// <summary>
/// Text as a regex engine working on code points sees it. .NET regexes match UTF-16 units, so a letter, digit or
/// emoji beyond the BMP looks like two surrogates to \p{L}, \p{N} or \w, while the reference's engines see one
/// character. The view stands each surrogate pair in for one BMP character of the same general category and maps
/// match positions back to the original text.
/// </summary>
internal sealed class CodePointView
{
    private static readonly Lazy<char[]> Representatives = new(FindRepresentatives);

    private readonly int[]? _originalIndex;

    private CodePointView(string text, int[]? originalIndex)
    {
        Text = text;
        _originalIndex = originalIndex;
    }

    /// <summary>The text the regex runs on: the original when it has no surrogate pairs.</summary>
    public string Text { get; }

    public static CodePointView Unchanged(string text) => new(text, null);

    public static CodePointView Of(string text)
    {
        var first = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0)
            return new CodePointView(text, null);
        var chars = new char[text.Length];
        var originalIndex = new int[text.Length + 1];
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            originalIndex[length] = i;
            if (i >= first && char.IsSurrogatePair(text, i))
            {
                chars[length++] = Representatives.Value[(int)CharUnicodeInfo.GetUnicodeCategory(text, i)];
                i++;
            }
            else
            {
                chars[length++] = text[i];
            }
        }
        originalIndex[length] = text.Length;
        return new CodePointView(new string(chars, 0, length), originalIndex);
    }

    /// <summary>The position in the original text of position <paramref name="index"/> of <see cref="Text"/>.</summary>
    public int Original(int index) => _originalIndex is null ? index : _originalIndex[index];

    /// <summary>For each general category, a BMP character of it that tokenizer patterns are unlikely to spell out
    /// (searched from U+A000, away from ASCII and common punctuation).</summary>
    private static char[] FindRepresentatives()
    {
        var categories = Enum.GetValues<UnicodeCategory>();
        var table = new char[categories.Max(c => (int)c) + 1];
        var found = new bool[table.Length];
        foreach (var start in new[] { 0xA000, 0x2000, 0x0080 })
        {
            for (var c = start; c < 0x10000; c++)
            {
                if (c is >= 0xD800 and <= 0xDFFF)
                    continue;
                var category = (int)CharUnicodeInfo.GetUnicodeCategory((char)c);
                if (found[category])
                    continue;
                table[category] = (char)c;
                found[category] = true;
            }
        }
        return table;
    }
}
