namespace Evolve.Checkpoints;

/// <summary>
/// A checkpoint split over several safetensors files by <c>model.safetensors.index.json</c>, seen as one tensor
/// source. Every shard is mapped once; each tensor is served from the shard the index names.
/// </summary>
public sealed class ShardedCheckpoint : ITensorSource
{
    private readonly SafetensorsFile[] _shards;
    private readonly Dictionary<string, SafetensorsFile> _owner;

    private ShardedCheckpoint(string indexPath, SafetensorsFile[] shards, Dictionary<string, SafetensorsFile> owner)
    {
        Location = indexPath;
        _shards = shards;
        _owner = owner;
        Tensors = shards.SelectMany(s => s.Tensors).OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
    }

    public string Location { get; }

    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>The shard files, in the order the index first names them.</summary>
    public IReadOnlyList<SafetensorsFile> Shards => _shards;

    public static ShardedCheckpoint Open(string indexPath)
    {
        indexPath = Path.GetFullPath(indexPath);
        var index = ShardIndex.Read(indexPath);
        var folder = Path.GetDirectoryName(indexPath)!;
        var opened = new List<SafetensorsFile>();
        try
        {
            var byName = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var shardName in index.ShardNames)
            {
                var shardPath = Path.Combine(folder, shardName);
                if (!File.Exists(shardPath))
                {
                    var tensor = index.WeightMap.First(p => p.Value == shardName).Key;
                    throw new CheckpointFormatException($"{indexPath}, tensor {tensor}",
                        $"shard {shardName} named by the index is missing from {folder}",
                        "Download the missing shard (or the whole checkpoint again)");
                }
                var shard = SafetensorsFile.Open(shardPath);
                opened.Add(shard);
                byName.Add(shardName, shard);
            }

            var owner = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var (tensor, shardName) in index.WeightMap)
            {
                var shard = byName[shardName];
                if (!shard.TryGetInfo(tensor, out _))
                    throw new CheckpointFormatException($"{indexPath}, tensor {tensor}",
                        $"the index places this tensor in {shardName}, which does not hold it",
                        "Regenerate the index or re-download the checkpoint");
                owner.Add(tensor, shard);
            }
            foreach (var shard in opened)
            {
                foreach (var info in shard.Tensors)
                {
                    if (owner.TryGetValue(info.Name, out var existing) && existing != shard)
                        throw new CheckpointFormatException($"{shard.Location}, tensor {info.Name}",
                            $"the tensor is stored in two shards ({Path.GetFileName(existing.Location)} too)",
                            "Remove the stale shard or regenerate the checkpoint");
                    owner.TryAdd(info.Name, shard);
                }
            }
            return new ShardedCheckpoint(indexPath, opened.ToArray(), owner);
        }
        catch
        {
            foreach (var shard in opened)
                shard.Dispose();
            throw;
        }
    }

    public bool TryGetInfo(string name, out TensorInfo info)
    {
        if (_owner.TryGetValue(name, out var shard))
            return shard.TryGetInfo(name, out info);
        info = null!;
        return false;
    }

    public ReadOnlySpan<byte> GetBytes(string name) => Owner(name).GetBytes(name);

    public ReadOnlySpan<byte> GetBytes(string name, long offset, int length) => Owner(name).GetBytes(name, offset, length);

    public void ReadFloat32(string name, Span<float> destination) => Owner(name).ReadFloat32(name, destination);

    public void ReleasePages(string name, long offset = 0, long length = long.MaxValue) => Owner(name).ReleasePages(name, offset, length);

    private SafetensorsFile Owner(string name) =>
        _owner.TryGetValue(name, out var shard) ? shard : throw new KeyNotFoundException($"{Location}: no tensor named {name}");

    public void Dispose()
    {
        foreach (var shard in _shards)
            shard.Dispose();
    }
}
