using System.Text.Json;
using System.Text.RegularExpressions;

namespace Evolve.Checkpoints;

/// <summary>
/// The parts of a PEFT <c>adapter_config.json</c> that decide how a LoRA adapter folds into its base: rank r,
/// lora_alpha, per-module rank_pattern and alpha_pattern, rsLoRA scaling, and fan_in_fan_out (GPT-2 Conv1D layout).
/// </summary>
internal sealed class LoraConfig
{
    public const string FileName = "adapter_config.json";

    private LoraConfig(string location, int rank, double alpha, bool useRsLora, bool fanInFanOut,
        IReadOnlyDictionary<string, int> rankPattern, IReadOnlyDictionary<string, double> alphaPattern)
    {
        Location = location;
        Rank = rank;
        Alpha = alpha;
        UseRsLora = useRsLora;
        FanInFanOut = fanInFanOut;
        RankPattern = rankPattern;
        AlphaPattern = alphaPattern;
    }

    public string Location { get; }
    public int Rank { get; }
    public double Alpha { get; }
    public bool UseRsLora { get; }
    public bool FanInFanOut { get; }
    public IReadOnlyDictionary<string, int> RankPattern { get; }
    public IReadOnlyDictionary<string, double> AlphaPattern { get; }

    public static LoraConfig Read(string path)
    {
        const string remedy = "Fix adapter_config.json (PEFT's save_pretrained writes it beside adapter_model.safetensors)";
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"not valid JSON ({e.Message})", remedy, e);
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw new CheckpointFormatException(path, "not a JSON object", remedy);

        var peftType = root.TryGetProperty("peft_type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;
        if (peftType != "LORA")
            throw new CheckpointFormatException($"{path}, field peft_type",
                $"is {(peftType is null ? "missing" : $"\"{peftType}\"")}; only LoRA adapters (\"LORA\") can be applied",
                "Merge this adapter into its base with PEFT's merge_and_unload() and save_pretrained, then use that folder");
        if (Bool(root, "use_dora", path))
            throw new CheckpointFormatException($"{path}, field use_dora",
                "DoRA adapters rescale weights by a learned magnitude that a plain LoRA fold does not reproduce",
                "Merge it with PEFT's merge_and_unload() and save_pretrained, then use that folder");

        var rank = root.TryGetProperty("r", out var r) ? Integer(r, path, "r") : 8;
        var alpha = root.TryGetProperty("lora_alpha", out var a) ? Number(a, path, "lora_alpha") : 8;
        return new LoraConfig(path, rank, alpha, Bool(root, "use_rslora", path), Bool(root, "fan_in_fan_out", path),
            Pattern(root, "rank_pattern", path, (e, field) => Integer(e, path, field)),
            Pattern(root, "alpha_pattern", path, (e, field) => Number(e, path, field)));
    }

    /// <summary>Rank and alpha of one module: the first pattern key matching the end of its name, as PEFT resolves them.</summary>
    public (int Rank, double Alpha) For(string module) =>
        (Lookup(RankPattern, module) ?? Rank, Lookup(AlphaPattern, module) ?? Alpha);

    public double Scaling(int rank, double alpha) => UseRsLora ? alpha / Math.Sqrt(rank) : alpha / rank;

    private static T? Lookup<T>(IReadOnlyDictionary<string, T> pattern, string module) where T : struct
    {
        foreach (var (key, value) in pattern)
            if (Regex.IsMatch(module, $"^(.*\\.)?{key}$", RegexOptions.CultureInvariant))
                return value;
        return null;
    }

    private static bool Bool(JsonElement root, string field, string path) =>
        root.TryGetProperty(field, out var value) && value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw new CheckpointFormatException($"{path}, field {field}", $"is {value.GetRawText()}, expected true or false", "Fix adapter_config.json"),
        };

    private static int Integer(JsonElement value, string path, string field) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n > 0
            ? n
            : throw new CheckpointFormatException($"{path}, field {field}", $"is {value.GetRawText()}, expected a positive integer", "Fix adapter_config.json");

    private static double Number(JsonElement value, string path, string field) =>
        value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new CheckpointFormatException($"{path}, field {field}", $"is {value.GetRawText()}, expected a number", "Fix adapter_config.json");

    private static Dictionary<string, T> Pattern<T>(JsonElement root, string field, string path, Func<JsonElement, string, T> read)
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        if (!root.TryGetProperty(field, out var pattern) || pattern.ValueKind == JsonValueKind.Null)
            return result;
        if (pattern.ValueKind != JsonValueKind.Object)
            throw new CheckpointFormatException($"{path}, field {field}", "is not an object of module name → value", "Fix adapter_config.json");
        foreach (var entry in pattern.EnumerateObject())
        {
            try
            {
                _ = new Regex(entry.Name);
            }
            catch (ArgumentException e)
            {
                throw new CheckpointFormatException($"{path}, field {field}", $"key \"{entry.Name}\" is not a valid pattern ({e.Message})",
                    "Fix adapter_config.json", e);
            }
            result[entry.Name] = read(entry.Value, $"{field}.{entry.Name}");
        }
        return result;
    }
}
