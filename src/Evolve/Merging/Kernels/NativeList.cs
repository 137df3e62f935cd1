using System.Runtime.InteropServices;

namespace Evolve.Merging.Kernels;

/// <summary>
/// Storage for a list of unmanaged values in native memory: it never moves under a loop that writes through its
/// address (the GC does not touch it), it is about as large as asked (a pooled array comes in a power-of-two bucket),
/// and <see cref="Dispose"/> gives it back at once to <see cref="NativeBlockPool"/>, which reuses it for the next
/// list of about its size.
/// </summary>
internal sealed unsafe class NativeList<T> : IDisposable where T : unmanaged
{
    public NativeList(int capacity)
    {
        Pointer = (T*)NativeBlockPool.Rent((long)Math.Max(1, capacity) * sizeof(T), out long bytes);
        Capacity = (int)(bytes / sizeof(T));
    }

    /// <summary>The first value's address (valid until <see cref="Grow"/> or <see cref="Dispose"/>).</summary>
    public T* Pointer { get; private set; }

    /// <summary>Values it has room for (at least the capacity asked).</summary>
    public int Capacity { get; private set; }

    /// <summary>The first <paramref name="count"/> values.</summary>
    public Span<T> AsSpan(int count) => new(Pointer, count);

    /// <summary>Makes room for <paramref name="capacity"/> values, keeping the ones stored (the address may change).</summary>
    public void Grow(int capacity)
    {
        if (capacity <= Capacity) return;
        Pointer = (T*)NativeMemory.Realloc(Pointer, (nuint)capacity * (nuint)sizeof(T));
        Capacity = capacity;
    }

    public void Dispose()
    {
        if (Pointer is null) return;
        NativeBlockPool.Return(Pointer, (long)Capacity * sizeof(T));
        Pointer = null;
        Capacity = 0;
    }
}
