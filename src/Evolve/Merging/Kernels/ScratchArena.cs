using System.Buffers;

namespace Evolve.Merging.Kernels;

/// <summary>
/// Temporary buffers for one tensor merge, rented from the shared pool and all returned on dispose, so a method
/// allocates nothing per tensor beyond its first use of a size class. Not thread-safe: one arena per worker.
/// </summary>
internal sealed class ScratchArena : IDisposable
{
    private readonly List<float[]> _floats = [];
    private readonly List<ulong[]> _ulongs = [];
    private readonly List<double[]> _doubles = [];

    /// <summary>A zero-filled float buffer of exactly <paramref name="length"/> elements.</summary>
    public Span<float> Floats(int length) => Rent(_floats, length);

    public Span<ulong> ULongs(int length) => Rent(_ulongs, length);

    public Span<double> Doubles(int length) => Rent(_doubles, length);

    /// <summary>
    /// A rented float array (for APIs that need an array) with unspecified contents: every caller overwrites it whole,
    /// and clearing a tensor-sized buffer first would cost one more pass over memory.
    /// </summary>
    public float[] FloatArray(int length)
    {
        var a = ArrayPool<float>.Shared.Rent(length);
        _floats.Add(a);
        return a;
    }

    private static Span<T> Rent<T>(List<T[]> owned, int length)
    {
        var a = ArrayPool<T>.Shared.Rent(length);
        owned.Add(a);
        var span = a.AsSpan(0, length);
        span.Clear();
        return span;
    }

    /// <summary>Returns every buffer rented so far; the arena can be reused afterwards.</summary>
    public void Reset()
    {
        foreach (var a in _floats) ArrayPool<float>.Shared.Return(a);
        foreach (var a in _ulongs) ArrayPool<ulong>.Shared.Return(a);
        foreach (var a in _doubles) ArrayPool<double>.Shared.Return(a);
        _floats.Clear();
        _ulongs.Clear();
        _doubles.Clear();
    }

    public void Dispose() => Reset();
}
