namespace Evolve.Randomness;

/// <summary>
/// Counter-based randomness (DESIGN.md §4.5): every draw is a pure function of a seed and the coordinates of the
/// draw (purpose, index …), never of how many draws came before. Results therefore do not depend on thread count
/// or evaluation order, and a resumed run replays exactly.
/// </summary>
internal static class CounterRandom
{
    /// <summary>SplitMix64's finalizer: a bijective 64-bit mix with full avalanche.</summary>
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static ulong Hash(ulong seed, ulong a) => Mix(Mix(seed) ^ a);

    public static ulong Hash(ulong seed, ulong a, ulong b) => Mix(Hash(seed, a) ^ b);

    /// <summary>A stable 64-bit id of a string (FNV-1a over UTF-16 code units), e.g. a tensor name or a purpose.</summary>
    public static ulong Hash(string text)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (var c in text)
        {
            h ^= c;
            h *= 0x100000001B3UL;
        }
        return Mix(h);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public static double ToUnitDouble(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) without modulo bias worth noting for n far below 2^32 (Lemire's multiply-shift).</summary>
    public static int ToIndex(ulong bits, int n) => (int)(((bits >> 32) * (ulong)n) >> 32);
}
