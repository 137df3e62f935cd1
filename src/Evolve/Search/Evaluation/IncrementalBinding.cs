using Evolve.Merging.Execution;
using Evolve.Onnx;

namespace Evolve.Search.Evaluation;

/// <summary>
/// Feeds merged weight sets to the base's graph in its layout (dtype, transposition), converting only the tensors
/// whose merge key changed since the previous candidate: a child that differs from its parent in one layer's genes
/// re-binds that layer's tensors, nothing else. Buffers are reference-counted handles: the cache holds one reference,
/// each <see cref="BoundCandidate"/> one more, so a buffer replaced while a candidate is still scoring lives until
/// that candidate is done.
/// </summary>
internal sealed class IncrementalBinding(WeightBinding binding) : IDisposable
{
    private readonly Dictionary<string, (string Key, NativeBuffer Buffer)> _cache = new(StringComparer.Ordinal);

    /// <summary>The snapshot's weights in the graph's layout; <see cref="BoundCandidate.Converted"/> counts the initializers converted anew.</summary>
    public BoundCandidate Bind(WeightSnapshot snapshot)
    {
        var converted = 0;
        var weights = new BoundCandidate();
        try
        {
            foreach (var initializer in binding.BoundInitializers)
            {
                var (mapping, _) = binding.Supplier(snapshot, initializer.Name);
                var key = snapshot.Key(mapping.CheckpointName);
                if (!_cache.TryGetValue(initializer.Name, out var cached) || cached.Key != key)
                {
                    var fresh = WeightBinding.ToGraphLayout(mapping, snapshot.Get(mapping.CheckpointName));
                    cached.Buffer?.Dispose();
                    _cache[initializer.Name] = cached = (key, fresh);
                    converted++;
                }
                weights.Add(initializer.Name, cached.Buffer);
            }
            weights.Converted = converted;
            return weights;
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var (_, buffer) in _cache.Values)
            buffer.Dispose();
        _cache.Clear();
    }
}

/// <summary>One candidate's graph weights; holds a reference on every buffer until disposed.</summary>
internal sealed class BoundCandidate : IDisposable
{
    private readonly List<NativeBuffer> _held = [];

    public GraphWeights Weights { get; } = new();

    /// <summary>Initializers converted for this candidate (the rest were reused from an earlier one).</summary>
    public int Converted { get; set; }

    public void Add(string initializer, NativeBuffer buffer)
    {
        var added = false;
        buffer.DangerousAddRef(ref added);
        _held.Add(buffer);
        Weights.Add(initializer, buffer, owns: false);
    }

    public void Dispose()
    {
        foreach (var buffer in _held)
            buffer.DangerousRelease();
        _held.Clear();
    }
}
