namespace Evolve.Checkpoints;

/// <summary>Produces a tensor's stored bytes when the writer reaches it, so outputs never need to sit in memory whole.</summary>
public delegate ReadOnlySpan<byte> TensorBytesProvider();

/// <summary>Produces <paramref name="length"/> of a tensor's stored bytes from <paramref name="offset"/>.</summary>
public delegate ReadOnlySpan<byte> TensorRangeProvider(long offset, int length);

/// <summary>One tensor handed to the writer: what it is, and where its bytes (in <see cref="TensorInfo.DType"/>) come from.</summary>
public sealed record TensorToWrite(TensorInfo Info, TensorBytesProvider Bytes)
{
    /// <summary>
    /// Byte ranges of the tensor; when set, the writer streams the tensor range by range, so tensors over 2 GiB
    /// (which <see cref="Bytes"/> cannot return as one span) can be written.
    /// </summary>
    public TensorRangeProvider? Ranges { get; init; }

    /// <summary>Every tensor of a source, bytes read zero copy when written.</summary>
    public static IReadOnlyList<TensorToWrite> From(ITensorSource source) =>
        source.Tensors.Select(t => new TensorToWrite(t, () => source.GetBytes(t.Name))
        {
            Ranges = (offset, length) => source.GetBytes(t.Name, offset, length),
        }).ToArray();

    /// <summary>A tensor whose bytes are already in memory.</summary>
    public static TensorToWrite FromBytes(string name, DType dtype, long[] shape, ReadOnlyMemory<byte> bytes) =>
        new(new TensorInfo(name, dtype, shape), () => bytes.Span);
}
