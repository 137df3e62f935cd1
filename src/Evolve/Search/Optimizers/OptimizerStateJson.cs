using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evolve.Search.Optimizers;

/// <summary>
/// JSON settings for optimizer state: doubles are written round-trip exact (shortest form) and NaN/∞ are allowed,
/// because a failed candidate's fitness and a fresh CMA-ES best (−∞) are part of the state.
/// </summary>
internal static class OptimizerStateJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };

    public static string Write<T>(T state) => JsonSerializer.Serialize(state, Options);

    public static T Read<T>(string json, string optimizer) =>
        JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new InvalidDataException($"{optimizer}: the stored optimizer state is empty");
}
