using System.Runtime.CompilerServices;
using System.Text;

namespace Evolve.Merging.Kernels;

/// <summary>
/// Counter-based randomness: every draw is a pure function of (seed, tensor name, model index, element index),
/// a SplitMix64 finalizer over the combined counter. No state is carried between draws, so a merge is bit-identical
/// whatever the thread count or the order in which tensors are computed.
/// </summary>
public static class CounterRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The stream key of one (tensor, model): mixes the merge seed with a stable hash of the tensor name.</summary>
    public static ulong StreamKey(ulong seed, string tensorName, int modelIndex)
    {
        var key = Mix(seed ^ Fnv1a(tensorName));
        return Mix(key + Golden * (ulong)(modelIndex + 1));
    }

    /// <summary>A uniform float in [0, 1) with 24 random bits for element <paramref name="index"/> of a stream.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Uniform(ulong streamKey, long index) =>
        (Mix(streamKey + Golden * (ulong)index) >> 40) * (1.0f / (1 << 24));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>FNV-1a over the UTF-8 bytes: stable across processes, unlike string.GetHashCode.</summary>
    public static ulong Fnv1a(string text)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            h ^= b;
            h *= 0x100000001B3UL;
        }
        return h;
    }
}
