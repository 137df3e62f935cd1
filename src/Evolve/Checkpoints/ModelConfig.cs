using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Evolve.Checkpoints;

/// <summary>
/// The fields of a Hugging Face <c>config.json</c> that merging and scoring need, typed, plus the whole JSON so a
/// writer can re-emit it with a few fields changed. Fields missing at the top level are read from
/// <c>text_config</c> (multimodal models), and GPT-2 style names (n_layer, n_embd …) stand in for the usual ones.
/// </summary>
public sealed class ModelConfig
{
    public const string FileName = "config.json";

    private static readonly Dictionary<string, string> Aliases = new()
    {
        ["num_hidden_layers"] = "n_layer",
        ["hidden_size"] = "n_embd",
        ["num_attention_heads"] = "n_head",
        ["intermediate_size"] = "n_inner",
        ["max_position_embeddings"] = "n_positions",
        ["torch_dtype"] = "dtype",
    };

    private readonly JsonObject _raw;

    private ModelConfig(JsonObject raw, string location)
    {
        _raw = raw;
        Location = location;
        Architectures = ReadArchitectures();
        ModelType = ReadString("model_type");
        NumHiddenLayers = ReadInt("num_hidden_layers");
        HiddenSize = ReadInt("hidden_size");
        IntermediateSize = ReadInt("intermediate_size");
        NumAttentionHeads = ReadInt("num_attention_heads");
        NumKeyValueHeads = ReadInt("num_key_value_heads");
        VocabSize = ReadInt("vocab_size");
        TorchDtype = ReadString("torch_dtype");
        TieWordEmbeddings = ReadBool("tie_word_embeddings");
        MaxPositionEmbeddings = ReadInt("max_position_embeddings");
    }

    public string Location { get; }
    public IReadOnlyList<string> Architectures { get; }
    public string? ModelType { get; }
    public int? NumHiddenLayers { get; }
    public int? HiddenSize { get; }
    public int? IntermediateSize { get; }
    public int? NumAttentionHeads { get; }
    public int? NumKeyValueHeads { get; }
    public int? VocabSize { get; }
    public string? TorchDtype { get; }
    public bool? TieWordEmbeddings { get; }
    public int? MaxPositionEmbeddings { get; }

    /// <summary>A copy of the whole config.json.</summary>
    public JsonObject Raw => (JsonObject)_raw.DeepClone();

    public static ModelConfig Read(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new CheckpointFormatException(path, "file not found", "Check the path; an HF model folder holds config.json beside its weights");
        return Parse(File.ReadAllText(path), path);
    }

    public static ModelConfig Parse(string json, string location)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(location, $"not valid JSON ({e.Message})", "Fix config.json or download it again", e);
        }
        if (node is not JsonObject obj)
            throw new CheckpointFormatException(location, "config.json is not a JSON object", "Fix config.json or download it again");
        return new ModelConfig(obj, location);
    }

    /// <summary>A copy with one top-level field set (or removed, when <paramref name="value"/> is null).</summary>
    public ModelConfig With(string key, JsonNode? value)
    {
        var raw = Raw;
        if (value is null)
            raw.Remove(key);
        else
            raw[key] = value.DeepClone();
        return new ModelConfig(raw, Location);
    }

    /// <summary>The JSON as transformers writes it: two-space indent, field order kept, trailing newline.</summary>
    public string ToJson()
    {
        var options = new JsonSerializerOptions { WriteIndented = true, IndentSize = 2, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        return _raw.ToJsonString(options) + "\n";
    }

    /// <summary>Writes config.json under a temporary name, then renames it.</summary>
    public void Write(string path)
    {
        var temporary = SafetensorsWriter.TemporaryName(path);
        try
        {
            File.WriteAllText(temporary, ToJson());
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private JsonNode? Find(string key)
    {
        foreach (var scope in new[] { _raw, _raw["text_config"] as JsonObject })
        {
            if (scope is null) continue;
            if (scope.TryGetPropertyValue(key, out var value) && value is not null) return value;
            if (Aliases.TryGetValue(key, out var alias) && scope.TryGetPropertyValue(alias, out value) && value is not null) return value;
        }
        return null;
    }

    private int? ReadInt(string key)
    {
        var node = Find(key);
        if (node is null) return null;
        // Parsed and constructed JSON values hold numbers differently; their JSON text is the common ground.
        if (node.GetValueKind() == JsonValueKind.Number
            && long.TryParse(node.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= int.MaxValue)
            return (int)n;
        throw Wrong(key, node, "a non-negative integer");
    }

    private string? ReadString(string key)
    {
        var node = Find(key);
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s;
        throw Wrong(key, node, "a string");
    }

    private bool? ReadBool(string key)
    {
        var node = Find(key);
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<bool>(out var b)) return b;
        throw Wrong(key, node, "true or false");
    }

    private string[] ReadArchitectures()
    {
        var node = Find("architectures");
        if (node is null) return [];
        if (node is JsonArray array && array.All(e => e is JsonValue v && v.TryGetValue<string>(out _)))
            return array.Select(e => e!.GetValue<string>()).ToArray();
        throw Wrong("architectures", node, "a list of strings");
    }

    private CheckpointFormatException Wrong(string key, JsonNode node, string expected) =>
        new($"{Location}, field {key}", $"is {node.ToJsonString()}, expected {expected}", "Fix config.json");
}
