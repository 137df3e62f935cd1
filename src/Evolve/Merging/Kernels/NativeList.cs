using System.Runtime.InteropServices;

namespace Evolve.Merging.Kernels;

/// <summary>
/// Storage for a list of unmanaged values in native memory: it never moves under a loop that writes through its
/// address (the GC does not touch it), it is as large as asked (a pooled array comes in a power-of-two bucket), and
/// <see cref="Dispose"/> frees it at once instead of keeping it pooled.
/// </summary>
internal sealed unsafe class NativeList<T> : IDisposable where T : unmanaged
{
    public NativeList(int capacity)
    {
        Capacity = capacity;
        Pointer = (T*)NativeMemory.Alloc((nuint)Math.Max(1, capacity), (nuint)sizeof(T));
    }

    /// <summary>The first value's address (valid until <see cref="Grow"/> or <see cref="Dispose"/>).</summary>
    public T* Pointer { get; private set; }

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
        NativeMemory.Free(Pointer);
        Pointer = null;
        Capacity = 0;
    }
}
