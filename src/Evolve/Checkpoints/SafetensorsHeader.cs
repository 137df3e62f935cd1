using System.Text.Json;

namespace Evolve.Checkpoints;

/// <summary>
/// The JSON header of a safetensors file, parsed and validated against the data section it describes. Parsed with
/// <see cref="Utf8JsonReader"/> because JsonDocument silently accepts duplicate tensor names.
/// </summary>
internal sealed class SafetensorsHeader
{
    public const string MetadataKey = "__metadata__";

    /// <summary>The Rust crate refuses larger headers; so do we, before mapping anything that large as text.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string Reexport =
        "Re-download the file or re-export it with safetensors' save_file or transformers' save_pretrained";

    private SafetensorsHeader(IReadOnlyList<StoredTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Tensors in file (offset) order.</summary>
    public IReadOnlyList<StoredTensor> Tensors { get; }

    /// <summary>The <c>__metadata__</c> entries (e.g. format: pt); empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafetensorsHeader Parse(ReadOnlySpan<byte> json, long dataLength, string file)
    {
        var (tensors, metadata) = ReadJson(json, file);
        Validate(tensors, dataLength, file);
        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        return new SafetensorsHeader(tensors, metadata);
    }

    private static (List<StoredTensor>, Dictionary<string, string>) ReadJson(ReadOnlySpan<byte> json, string file)
    {
        var tensors = new List<StoredTensor>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw BadHeader(file, "the header is not a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (!seen.Add(name))
                    throw new CheckpointFormatException($"{file}, tensor {name}",
                        "the header names this tensor twice (duplicate JSON key)", Reexport);
                reader.Read();
                if (name == MetadataKey)
                    ReadMetadata(ref reader, metadata, file);
                else
                    tensors.Add(ReadTensor(ref reader, name, file));
            }
            if (reader.TokenType != JsonTokenType.EndObject)
                throw BadHeader(file, "the header JSON does not close its top-level object");
            while (reader.Read())
                throw BadHeader(file, "the header holds data after its JSON object");
        }
        catch (JsonException e)
        {
            throw BadHeader(file, $"the header is not valid JSON ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            throw BadHeader(file, $"the header is not valid safetensors JSON ({e.Message})", e);
        }
        return (tensors, metadata);
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string file)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw BadHeader(file, $"\"{MetadataKey}\" is not a JSON object of strings");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
                throw BadHeader(file, $"\"{MetadataKey}\" entry \"{key}\" is not a string");
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw BadHeader(file, $"\"{MetadataKey}\" names \"{key}\" twice");
        }
    }

    private static StoredTensor ReadTensor(ref Utf8JsonReader reader, string name, string file)
    {
        var where = $"{file}, tensor {name}";
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new CheckpointFormatException(where, "the header entry is not a JSON object", Reexport);
        DType? dtype = null;
        long[]? shape = null;
        long[]? offsets = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString();
            reader.Read();
            switch (key)
            {
                case "dtype":
                    var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : "(not a string)";
                    if (!DTypeInfo.TryParseSafetensorsName(text, out var parsed))
                        throw new CheckpointFormatException(where, $"unknown dtype \"{text}\"",
                            $"Known dtypes: {DTypeInfo.KnownNames}; convert the tensor to one of them");
                    dtype = parsed;
                    break;
                case "shape":
                    shape = ReadIntegers(ref reader, where, "shape");
                    break;
                case "data_offsets":
                    offsets = ReadIntegers(ref reader, where, "data_offsets");
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (dtype is null || shape is null || offsets is null)
            throw new CheckpointFormatException(where, "the header entry lacks dtype, shape or data_offsets", Reexport);
        if (offsets.Length != 2)
            throw new CheckpointFormatException(where, $"data_offsets holds {offsets.Length} numbers, not 2", Reexport);
        return new StoredTensor(new TensorInfo(name, dtype.Value, shape), offsets[0], offsets[1]);
    }

    private static long[] ReadIntegers(ref Utf8JsonReader reader, string where, string field)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new CheckpointFormatException(where, $"{field} is not a JSON array", Reexport);
        var values = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value < 0)
                throw new CheckpointFormatException(where, $"{field} holds something other than a non-negative integer", Reexport);
            values.Add(value);
        }
        return values.ToArray();
    }

    private static void Validate(List<StoredTensor> tensors, long dataLength, string file)
    {
        foreach (var t in tensors)
        {
            var where = $"{file}, tensor {t.Info.Name}";
            if (t.End < t.Begin || t.End > dataLength)
                throw new CheckpointFormatException(where,
                    $"data_offsets [{t.Begin}, {t.End}] lie outside the data section of {dataLength} bytes (file truncated or header wrong)",
                    Reexport);
            long expected;
            try
            {
                expected = checked(t.Info.ElementCount * t.Info.DType.ByteSize());
            }
            catch (OverflowException)
            {
                throw new CheckpointFormatException(where, $"shape [{string.Join(", ", t.Info.Shape)}] overflows a 64-bit byte count", Reexport);
            }
            if (expected != t.ByteLength)
                throw new CheckpointFormatException(where,
                    $"holds {t.ByteLength} bytes but shape [{string.Join(", ", t.Info.Shape)}] × {t.Info.DType.SafetensorsName()} needs {expected}",
                    Reexport);
        }
        var byOffset = tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.Begin).ToList();
        for (int i = 1; i < byOffset.Count; i++)
        {
            var previous = byOffset[i - 1];
            var current = byOffset[i];
            if (current.Begin < previous.End)
                throw new CheckpointFormatException($"{file}, tensor {current.Info.Name}",
                    $"bytes [{current.Begin}, {current.End}] overlap tensor {previous.Info.Name} [{previous.Begin}, {previous.End}]",
                    Reexport);
        }
    }

    private static CheckpointFormatException BadHeader(string file, string problem, Exception? inner = null) =>
        new(file, problem, Reexport, inner);
}
