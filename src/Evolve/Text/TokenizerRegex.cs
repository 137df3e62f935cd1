using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Evolve.Text;

/// <summary>
/// Regexes from tokenizer.json, compiled once per process: the same GPT-2/Llama-3 pattern appears in many files and
/// compiling is far dearer than matching.
/// </summary>
internal static class TokenizerRegex
{
    private static readonly ConcurrentDictionary<string, Regex> Compiled = new(StringComparer.Ordinal);

    public static Regex FromPattern(string pattern) =>
        Compiled.GetOrAdd(pattern, static p => new Regex(p, RegexOptions.Compiled | RegexOptions.CultureInvariant));

    public static Regex Literal(string text) => FromPattern(Regex.Escape(text));
}
