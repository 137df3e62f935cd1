using System.Text.Encodings.Web;
using System.Text.Json;

namespace Evolve.Checkpoints;

/// <summary>Where a checkpoint was written.</summary>
public sealed record CheckpointWriteResult(IReadOnlyList<string> Files, string? IndexPath, long TotalSize);

/// <summary>Options of <see cref="CheckpointWriter"/>.</summary>
public sealed record CheckpointWriteOptions
{
    /// <summary>Largest shard in bytes (a tensor larger than this gets a shard of its own); null: one file.</summary>
    public long? MaxShardBytes { get; init; }

    /// <summary>F32, F16 or BF16 for every float tensor; null keeps each tensor's dtype.</summary>
    public DType? OutDType { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = SafetensorsWriter.PyTorchMetadata;

    /// <summary>Told the output bytes written so far and in all, after each tensor.</summary>
    public IProgress<WriteProgress>? Progress { get; init; }
}

/// <summary>How far a checkpoint write has come, in output bytes.</summary>
public readonly record struct WriteProgress(long BytesWritten, long TotalBytes);

/// <summary>
/// Writes tensors as a Hugging Face checkpoint folder: <c>model.safetensors</c>, or shards
/// <c>model-0000i-of-0000n.safetensors</c> plus <c>model.safetensors.index.json</c> (metadata.total_size and
/// weight_map, as transformers writes it). Tensors are assigned to shards in name order. Every file is written under
/// a temporary name; only when all are complete are they renamed, the index last, so an interrupted write leaves no
/// file under a final name.
/// </summary>
public static class CheckpointWriter
{
    public const string SingleFileName = "model.safetensors";

    public static CheckpointWriteResult WriteFolder(string folder, ITensorSource source, CheckpointWriteOptions? options = null) =>
        WriteFolder(folder, TensorToWrite.From(source), options);

    public static CheckpointWriteResult WriteFolder(string folder, IReadOnlyList<TensorToWrite> tensors, CheckpointWriteOptions? options = null)
    {
        options ??= new CheckpointWriteOptions();
        folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(folder);
        SafetensorsWriter.RefuseDuplicateNames(tensors);
        var shards = PlanShards(tensors, options);
        var names = shards.Count == 1
            ? [SingleFileName]
            : Enumerable.Range(1, shards.Count).Select(i => $"model-{i:D5}-of-{shards.Count:D5}.safetensors").ToArray();
        var finals = names.Select(n => Path.Combine(folder, n)).ToList();
        var indexPath = shards.Count == 1 ? null : Path.Combine(folder, ShardIndex.FileName);
        RefuseStaleCheckpointFiles(folder, indexPath is null ? finals : [.. finals, indexPath]);

        long totalSize = tensors.Sum(t => SafetensorsWriter.OutputBytes(t.Info, options.OutDType));
        var counter = options.Progress is { } progress ? new ProgressCounter(progress, totalSize) : null;
        var temporaries = new List<string>();
        try
        {
            for (int i = 0; i < shards.Count; i++)
            {
                var temporary = SafetensorsWriter.TemporaryName(finals[i]);
                temporaries.Add(temporary);
                SafetensorsWriter.WriteTemporary(temporary, shards[i], options.Metadata, options.OutDType, counter);
            }
            if (indexPath is not null)
            {
                var temporary = SafetensorsWriter.TemporaryName(indexPath);
                temporaries.Add(temporary);
                WriteIndex(temporary, shards, names, totalSize);
            }
            for (int i = 0; i < finals.Count; i++)
                File.Move(temporaries[i], finals[i], overwrite: true);
            if (indexPath is not null)
                File.Move(temporaries[^1], indexPath, overwrite: true);
            return new CheckpointWriteResult(finals, indexPath, totalSize);
        }
        finally
        {
            foreach (var temporary in temporaries)
                File.Delete(temporary);
        }
    }

    private static List<List<TensorToWrite>> PlanShards(IReadOnlyList<TensorToWrite> tensors, CheckpointWriteOptions options)
    {
        var limit = options.MaxShardBytes ?? long.MaxValue;
        if (limit <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), "the shard size limit must be positive");
        var shards = new List<List<TensorToWrite>> { new() };
        long current = 0;
        foreach (var tensor in tensors.OrderBy(t => t.Info.Name, StringComparer.Ordinal))
        {
            var size = SafetensorsWriter.OutputBytes(tensor.Info, options.OutDType);
            if (shards[^1].Count > 0 && current + size > limit)
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(tensor);
            current += size;
        }
        return shards;
    }

    /// <summary>
    /// A folder mixing an old checkpoint with a new one would read as neither: refuse rather than delete user files.
    /// </summary>
    private static void RefuseStaleCheckpointFiles(string folder, IReadOnlyCollection<string> written)
    {
        var stale = Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".safetensors", StringComparison.Ordinal) || Path.GetFileName(f) == ShardIndex.FileName)
            .Where(f => !written.Contains(f))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (stale.Length > 0)
            throw new CheckpointFormatException(folder,
                $"the folder already holds checkpoint files this write would not replace ({string.Join(", ", stale)})",
                "Write into an empty folder, or delete the old checkpoint first");
    }

    private static void WriteIndex(string path, List<List<TensorToWrite>> shards, string[] names, long totalSize)
    {
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < shards.Count; i++)
            foreach (var tensor in shards[i])
                weightMap.Add(tensor.Info.Name, names[i]);

        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        var options = new JsonWriterOptions { Indented = true, IndentSize = 2, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var json = new Utf8JsonWriter(stream, options))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteNumber("total_size", totalSize);
            json.WriteEndObject();
            json.WriteStartObject("weight_map");
            foreach (var (tensor, shard) in weightMap)
                json.WriteString(tensor, shard);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        stream.Flush(flushToDisk: true);
    }
}
