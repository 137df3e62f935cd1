namespace Evolve.Checkpoints;

/// <summary>
/// The tensors of one model, read without copying: a safetensors file, a sharded Hugging Face folder, or an
/// in-memory weight set. Spans stay valid until the source is disposed.
/// </summary>
public interface ITensorSource : IDisposable
{
    /// <summary>Where the tensors come from (a path), used in error messages.</summary>
    string Location { get; }

    /// <summary>Every tensor, in a stable order (sorted by name).</summary>
    IReadOnlyList<TensorInfo> Tensors { get; }

    bool TryGetInfo(string name, out TensorInfo info);

    /// <summary>The tensor's stored bytes (little-endian, its own dtype), zero copy.</summary>
    ReadOnlySpan<byte> GetBytes(string name);

    /// <summary>
    /// <paramref name="length"/> stored bytes from <paramref name="offset"/>, zero copy: the way to reach tensors over
    /// 2 GiB, which no single span can hold. Sources whose tensors all fit a span need not implement it.
    /// </summary>
    ReadOnlySpan<byte> GetBytes(string name, long offset, int length) => GetBytes(name).Slice(checked((int)offset), length);

    /// <summary>Converts F32, F16 or BF16 storage to float32 into <paramref name="destination"/>.</summary>
    void ReadFloat32(string name, Span<float> destination);

    /// <summary>
    /// Says the tensor's stored bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>)
    /// (by default all of them) will not be read again soon: a memory-mapped source drops their pages from the
    /// process's resident set (they stay in the OS page cache), so a one-pass merge of large models does not keep
    /// every input resident. Reading them again still works; it faults the pages back in.
    /// </summary>
    void ReleasePages(string name, long offset = 0, long length = long.MaxValue)
    {
    }
}
