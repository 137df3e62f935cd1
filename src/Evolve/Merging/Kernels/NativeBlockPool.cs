using System.Runtime.InteropServices;

namespace Evolve.Merging.Kernels;

/// <summary>
/// Native blocks given back by <see cref="NativeList{T}"/>, kept for the next list of about their size. A fresh large
/// block is mapped by the kernel page by page as it is first written, a fault and a zeroed page per 4 KiB, and the
/// rank windows of a TIES merge are such blocks, allocated again for every tensor: reusing them saved 0.1–0.2 ns per
/// element. At most <see cref="MaxHeldBytes"/> are held; a block given back beyond that is freed.
/// </summary>
internal static unsafe class NativeBlockPool
{
    private const long MaxHeldBytes = 128L << 20;
    private static readonly List<(nint Address, long Bytes)> Held = [];
    private static long _heldBytes;

    /// <summary>A block of at least <paramref name="bytes"/>, and at most twice as many, with its size in <paramref name="capacity"/>.</summary>
    public static void* Rent(long bytes, out long capacity)
    {
        lock (Held)
        {
            int best = -1;
            for (int i = 0; i < Held.Count; i++)
                if (Held[i].Bytes >= bytes && Held[i].Bytes <= 2 * bytes && (best < 0 || Held[i].Bytes < Held[best].Bytes)) best = i;
            if (best >= 0)
            {
                var (address, size) = Held[best];
                Held.RemoveAt(best);
                _heldBytes -= size;
                capacity = size;
                return (void*)address;
            }
        }
        capacity = bytes;
        return NativeMemory.Alloc((nuint)bytes);
    }

    /// <summary>Takes back a block from <see cref="Rent"/> (or grown from one) of <paramref name="bytes"/>.</summary>
    public static void Return(void* block, long bytes)
    {
        lock (Held)
        {
            if (_heldBytes + bytes <= MaxHeldBytes)
            {
                Held.Add(((nint)block, bytes));
                _heldBytes += bytes;
                return;
            }
        }
        NativeMemory.Free(block);
    }
}
