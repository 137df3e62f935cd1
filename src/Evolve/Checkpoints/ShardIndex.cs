using System.Text.Json;

namespace Evolve.Checkpoints;

/// <summary>
/// <c>model.safetensors.index.json</c>: which shard file holds each tensor (weight_map) and the total byte size.
/// Shard names are checked to stay inside the model folder.
/// </summary>
internal sealed class ShardIndex
{
    public const string FileName = "model.safetensors.index.json";

    private ShardIndex(IReadOnlyDictionary<string, string> weightMap, long? totalSize)
    {
        WeightMap = weightMap;
        TotalSize = totalSize;
    }

    /// <summary>Tensor name → shard file name, relative to the folder.</summary>
    public IReadOnlyDictionary<string, string> WeightMap { get; }

    /// <summary>metadata.total_size when present.</summary>
    public long? TotalSize { get; }

    /// <summary>The distinct shard names in first-appearance order of sorted tensor names.</summary>
    public IReadOnlyList<string> ShardNames =>
        WeightMap.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).Distinct().ToArray();

    public static ShardIndex Read(string path)
    {
        const string remedy = "Fix or regenerate the index (transformers' save_pretrained writes it)";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        long? totalSize = null;
        var reader = new Utf8JsonReader(File.ReadAllBytes(path));
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new CheckpointFormatException(path, "the index is not a JSON object", remedy);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString();
                reader.Read();
                if (key == "weight_map" && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var tensor = reader.GetString()!;
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.String)
                            throw new CheckpointFormatException($"{path}, tensor {tensor}", "weight_map value is not a file name", remedy);
                        if (!seen.Add(tensor))
                            throw new CheckpointFormatException($"{path}, tensor {tensor}", "weight_map names this tensor twice", remedy);
                        var shard = reader.GetString()!;
                        CheckInsideFolder(path, tensor, shard);
                        weightMap.Add(tensor, shard);
                    }
                }
                else if (key == "metadata" && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var field = reader.GetString();
                        reader.Read();
                        if (field == "total_size" && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var size))
                            totalSize = size;
                        else
                            reader.Skip();
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"the index is not valid JSON ({e.Message})", remedy, e);
        }
        if (weightMap.Count == 0)
            throw new CheckpointFormatException(path, "the index has no weight_map entries", remedy);
        return new ShardIndex(weightMap, totalSize);
    }

    private static void CheckInsideFolder(string path, string tensor, string shard)
    {
        var escapes = shard.Length == 0
            || Path.IsPathRooted(shard)
            || shard.Contains('\\')
            || shard.Split('/').Any(part => part is ".." or "." or "");
        if (escapes)
            throw new CheckpointFormatException($"{path}, tensor {tensor}",
                $"shard \"{shard}\" is not a plain file name inside the model folder (absolute or '..' paths are refused)",
                "Name shards relative to the folder, e.g. model-00001-of-00002.safetensors");
    }
}
