using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;

namespace Evolve.Checkpoints;

/// <summary>
/// One safetensors file, memory-mapped read-only: tensor bytes are spans over the mapping (zero copy), converted to
/// float32 only when asked. The header is validated on open, so every span handed out lies inside the file.
/// </summary>
public sealed unsafe class SafetensorsFile : ITensorSource
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _data;
    private readonly Dictionary<string, StoredTensor> _byName;
    private bool _disposed;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* data,
        long headerLength, SafetensorsHeader header)
    {
        Location = path;
        _map = map;
        _view = view;
        _data = data;
        HeaderLength = headerLength;
        Metadata = header.Metadata;
        StoredTensors = header.Tensors;
        _byName = header.Tensors.ToDictionary(t => t.Info.Name, StringComparer.Ordinal);
        Tensors = header.Tensors.Select(t => t.Info).OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
    }

    public string Location { get; }

    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> entries of the header (typically format: pt).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Length of the JSON header in bytes (the u64 at the start of the file).</summary>
    public long HeaderLength { get; }

    /// <summary>Tensors in the order their bytes lie in the file.</summary>
    internal IReadOnlyList<StoredTensor> StoredTensors { get; }

    public static SafetensorsFile Open(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new CheckpointFormatException(full, "file not found", "Check the path");
        var length = new FileInfo(full).Length;
        if (length < 8)
            throw new CheckpointFormatException(full,
                $"the file holds {length} bytes, fewer than the 8-byte header length of a safetensors file",
                "The file is truncated or not a safetensors file; re-download or re-export it");

        var map = MemoryMappedFile.CreateFromFile(full, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        var acquired = false;
        try
        {
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* basePointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePointer);
            acquired = true;
            basePointer += view.PointerOffset;

            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(basePointer, 8));
            if (headerLength > (ulong)(length - 8))
                throw new CheckpointFormatException(full,
                    $"the header length {headerLength} runs beyond the end of the {length}-byte file",
                    "The file is truncated or not a safetensors file; re-download or re-export it");
            if (headerLength > SafetensorsHeader.MaxHeaderBytes)
                throw new CheckpointFormatException(full,
                    $"the header length {headerLength} exceeds the {SafetensorsHeader.MaxHeaderBytes}-byte limit of the format",
                    "The file is corrupt or not a safetensors file");
            var n = (long)headerLength;
            var header = SafetensorsHeader.Parse(new ReadOnlySpan<byte>(basePointer + 8, (int)n), length - 8 - n, full);
            return new SafetensorsFile(full, map, view, basePointer + 8 + n, n, header);
        }
        catch
        {
            if (acquired)
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    public bool TryGetInfo(string name, out TensorInfo info)
    {
        if (_byName.TryGetValue(name, out var stored))
        {
            info = stored.Info;
            return true;
        }
        info = null!;
        return false;
    }

    public ReadOnlySpan<byte> GetBytes(string name)
    {
        var stored = Find(name);
        if (stored.ByteLength > int.MaxValue)
            throw new NotSupportedException(
                $"{Location}, tensor {name}: {stored.ByteLength} bytes exceed one span; read it with ReadFloat32");
        return new ReadOnlySpan<byte>(_data + stored.Begin, (int)stored.ByteLength);
    }

    /// <summary>Only whole pages inside the range are released: a page shared with a neighbour stays resident.</summary>
    public void ReleasePages(string name, long offset = 0, long length = long.MaxValue)
    {
        if (!OperatingSystem.IsLinux()) return;
        var stored = Find(name);
        var page = Environment.SystemPageSize;
        long begin = stored.Begin + Math.Clamp(offset, 0, stored.ByteLength);
        long stop = stored.Begin + Math.Clamp(offset + Math.Min(length, stored.ByteLength), 0, stored.ByteLength);
        var first = ((nuint)(_data + begin) + (nuint)page - 1) / (nuint)page * (nuint)page;
        var end = (nuint)(_data + stop) / (nuint)page * (nuint)page;
        if (end > first)
            PageAdvice.DontNeed(first, end - first);
    }

    public ReadOnlySpan<byte> GetBytes(string name, long offset, int length)
    {
        var stored = Find(name);
        if (offset < 0 || length < 0 || offset + length > stored.ByteLength)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"bytes [{offset}, {offset + length}) lie outside tensor {name} of {stored.ByteLength} bytes");
        return new ReadOnlySpan<byte>(_data + stored.Begin + offset, length);
    }

    public void ReadFloat32(string name, Span<float> destination)
    {
        var stored = Find(name);
        var dtype = stored.Info.DType;
        if (!dtype.IsFloat32Convertible())
            throw new InvalidOperationException(
                $"{Location}, tensor {name}: dtype {dtype.SafetensorsName()} does not convert to float32 (only F32, F16, BF16 do)");
        if (destination.Length != stored.Info.ElementCount)
            throw new ArgumentException(
                $"tensor {name} holds {stored.Info.ElementCount} elements but the destination {destination.Length}");
        // Tensors over 2 GiB do not fit one span of bytes: convert in chunks that do.
        const int chunk = 1 << 28;
        var size = dtype.ByteSize();
        for (int done = 0; done < destination.Length; done += chunk)
        {
            var count = Math.Min(chunk, destination.Length - done);
            var bytes = new ReadOnlySpan<byte>(_data + stored.Begin + (long)done * size, count * size);
            FloatConversion.ToSingle(bytes, dtype, destination.Slice(done, count));
        }
    }

    private StoredTensor Find(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_byName.TryGetValue(name, out var stored))
            throw new KeyNotFoundException($"{Location}: no tensor named {name}");
        return stored;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
