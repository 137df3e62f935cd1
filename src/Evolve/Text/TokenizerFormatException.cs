using Evolve.Errors;

namespace Evolve.Text;

/// <summary>
/// A tokenizer.json that Evolve cannot read: missing, malformed, or using a component it does not implement.
/// The location names the file and, where one is known, the JSON path of the offending component, so the user can
/// tell which part of a hand-edited or exotic tokenizer to change.
/// </summary>
public sealed class TokenizerFormatException : EvolveInputException
{
    public TokenizerFormatException(string file, string? jsonPath, string problem, string? remedy = null, Exception? inner = null)
        : base(jsonPath is null ? file : $"{file} at {jsonPath}", problem, remedy, inner)
    {
        File = file;
        JsonPath = jsonPath;
    }

    public string File { get; }

    /// <summary>Dotted path of the component inside the JSON (e.g. <c>pre_tokenizer.pretokenizers[1]</c>), or a
    /// <c>line N</c> position for malformed JSON; null when the whole file is at fault.</summary>
    public string? JsonPath { get; }
}
