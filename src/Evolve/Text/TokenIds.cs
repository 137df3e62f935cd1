using System.Text.Encodings.Web;
using System.Text.Json;

namespace Evolve.Text;

/// <summary>Token ids and decoded text as one-line JSON, the form `evolve tokenize` reads and prints.</summary>
internal static class TokenIds
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Format(int[] ids) => JsonSerializer.Serialize(ids);

    public static string FormatText(string text) => JsonSerializer.Serialize(text, Readable);

    /// <param name="location">Where the JSON came from, for the error message.</param>
    public static int[] Parse(string json, string location)
    {
        try
        {
            return JsonSerializer.Deserialize<int[]>(json) ?? throw new TokenIdsException(location, "null is not a list of ids");
        }
        catch (JsonException)
        {
            throw new TokenIdsException(location, $"\"{json}\" is not a JSON array of integers");
        }
    }
}
