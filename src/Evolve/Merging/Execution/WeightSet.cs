namespace Evolve.Merging.Execution;

/// <summary>
/// Merged weights held in memory as native float32 buffers, for scoring candidates without writing checkpoints.
/// It changes only by publishing a new generation; a reader takes a <see cref="WeightSnapshot"/> of the current
/// generation and keeps reading it unchanged while later merges publish new ones. A changed tensor always gets a
/// new buffer; a buffer is freed once no generation (the current one or a snapshot's) references it.
/// </summary>
internal sealed class WeightSet : IDisposable
{
    private readonly object _gate = new();
    private WeightGeneration _current = WeightGeneration.Empty;

    /// <summary>The current generation's number (0 before the first merge).</summary>
    public int Generation
    {
        get
        {
            lock (_gate) return _current.Number;
        }
    }

    /// <summary>The key the current generation's tensor was computed under, for incremental merging.</summary>
    public bool TryGetKey(string name, out string key)
    {
        lock (_gate)
        {
            if (_current.Entries.TryGetValue(name, out var e))
            {
                key = e.Key;
                return true;
            }
        }
        key = "";
        return false;
    }

    internal bool TryGetEntry(string name, out WeightEntry entry)
    {
        lock (_gate) return _current.Entries.TryGetValue(name, out entry!);
    }

    /// <summary>Pins the current generation for reading; dispose the snapshot when done.</summary>
    public WeightSnapshot Acquire()
    {
        lock (_gate)
        {
            _current.AddReference();
            return new WeightSnapshot(_current);
        }
    }

    /// <summary>
    /// Makes <paramref name="entries"/> the new generation. Buffers of <paramref name="entries"/> that are new are
    /// passed with their single creation reference, which the new generation takes over.
    /// </summary>
    internal void Publish(IReadOnlyDictionary<string, WeightEntry> entries, IEnumerable<NativeTensorBuffer> fresh)
    {
        var freshSet = fresh.ToHashSet();
        foreach (var e in entries.Values)
            if (!freshSet.Contains(e.Buffer)) e.Buffer.AddReference();
        WeightGeneration old;
        lock (_gate)
        {
            old = _current;
            _current = new WeightGeneration(old.Number + 1, entries);
        }
        old.Release();
    }

    public void Dispose()
    {
        WeightGeneration old;
        lock (_gate)
        {
            old = _current;
            _current = WeightGeneration.Empty;
        }
        old.Release();
    }
}

/// <summary>One tensor of a generation.</summary>
internal sealed record WeightEntry(string Name, long[] Shape, string Key, NativeTensorBuffer Buffer);

/// <summary>An immutable set of tensors; it holds one reference on each buffer until its own count drops to zero.</summary>
internal sealed class WeightGeneration
{
    private int _references = 1;

    public WeightGeneration(int number, IReadOnlyDictionary<string, WeightEntry> entries)
    {
        Number = number;
        Entries = entries;
    }

    public static WeightGeneration Empty => new(0, new Dictionary<string, WeightEntry>());

    public int Number { get; }
    public IReadOnlyDictionary<string, WeightEntry> Entries { get; }

    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0) return;
        foreach (var e in Entries.Values) e.Buffer.Release();
    }
}
