using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evolve.Tests.Text;

/// <summary>Strings with the ids and decodes the real Hugging Face tokenizers library gave (tools/tokenizers).</summary>
internal sealed record ReferenceFixture(
    [property: JsonPropertyName("tokenizer")] string Tokenizer,
    [property: JsonPropertyName("library")] string Library,
    [property: JsonPropertyName("cases")] IReadOnlyList<ReferenceCase> Cases,
    [property: JsonPropertyName("pair")] string? Pair = null)
{
    /// <param name="name">Fixture path under Fixtures/tokenizers, without ".json".</param>
    public static ReferenceFixture Load(string name) =>
        JsonSerializer.Deserialize<ReferenceFixture>(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "tokenizers", name + ".json")))
        ?? throw new InvalidDataException(name);
}

internal sealed record ReferenceCase(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("ids")] int[] Ids,
    [property: JsonPropertyName("ids_no_special")] int[] IdsNoSpecial,
    [property: JsonPropertyName("decoded")] string Decoded,
    [property: JsonPropertyName("decoded_skip_special")] string DecodedSkipSpecial,
    [property: JsonPropertyName("pair_ids")] int[]? PairIds = null);
