namespace Evolve.Onnx;

/// <summary>
/// One weight set in the graph's layout: for each bound initializer, a native buffer in its dtype and shape. Buffers
/// this set allocated are freed on dispose; a buffer borrowed zero-copy from the caller stays the caller's. A scoring
/// session holds its own reference on every buffer it uses, so disposing the set while a session lives is safe.
/// </summary>
internal sealed class GraphWeights : IDisposable
{
    private readonly Dictionary<string, NativeBuffer> buffers = new(StringComparer.Ordinal);
    private readonly List<NativeBuffer> owned = [];

    public IReadOnlyDictionary<string, NativeBuffer> Buffers => buffers;

    public NativeBuffer this[string initializerName] => buffers[initializerName];

    /// <summary>Adds a buffer; <paramref name="owns"/> says whether this set frees it.</summary>
    public void Add(string initializerName, NativeBuffer buffer, bool owns)
    {
        buffers.Add(initializerName, buffer);
        if (owns) owned.Add(buffer);
    }

    public void Dispose()
    {
        foreach (var buffer in owned) buffer.Dispose();
        owned.Clear();
    }
}
