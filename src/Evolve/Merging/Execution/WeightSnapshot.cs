using System.Runtime.InteropServices;
using Evolve.Checkpoints;

namespace Evolve.Merging.Execution;

/// <summary>
/// A pinned generation of a <see cref="WeightSet"/>: its buffers stay valid and unchanged until disposed, whatever
/// merges happen meanwhile. Readable as an <see cref="ITensorSource"/> of float32 tensors.
/// </summary>
internal sealed class WeightSnapshot : ITensorSource
{
    private WeightGeneration? _generation;

    internal WeightSnapshot(WeightGeneration generation)
    {
        _generation = generation;
        Tensors = generation.Entries.Values
            .Select(e => new TensorInfo(e.Name, DType.F32, e.Shape))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToArray();
    }

    public int Generation => Live.Number;

    public string Location => $"weight set generation {Live.Number}";

    public IReadOnlyList<TensorInfo> Tensors { get; }

    public bool TryGetInfo(string name, out TensorInfo info)
    {
        if (Live.Entries.TryGetValue(name, out var e))
        {
            info = new TensorInfo(e.Name, DType.F32, e.Shape);
            return true;
        }
        info = null!;
        return false;
    }

    /// <summary>The tensor's float32 values.</summary>
    public ReadOnlySpan<float> Get(string name) => Entry(name).Buffer.Span;

    /// <summary>The plan key the tensor was computed under: equal keys, equal values (what incremental binding relies on).</summary>
    public string Key(string name) => Entry(name).Key;

    /// <summary>The native address of the tensor's buffer (for zero-copy binding).</summary>
    public nint Pointer(string name) => Entry(name).Buffer.Pointer;

    public ReadOnlySpan<byte> GetBytes(string name) => MemoryMarshal.AsBytes(Get(name));

    public void ReadFloat32(string name, Span<float> destination) => Get(name).CopyTo(destination);

    private WeightEntry Entry(string name) =>
        Live.Entries.TryGetValue(name, out var e) ? e : throw new KeyNotFoundException($"tensor {name} is not in the weight set");

    private WeightGeneration Live => _generation ?? throw new ObjectDisposedException(nameof(WeightSnapshot));

    public void Dispose()
    {
        var g = Interlocked.Exchange(ref _generation, null);
        g?.Release();
    }
}
