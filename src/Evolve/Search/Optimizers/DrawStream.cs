using Evolve.Randomness;

namespace Evolve.Search.Optimizers;

/// <summary>
/// A sequence of draws keyed by (seed, purpose, coordinates): the k-th draw is a pure function of those and k
/// (DESIGN.md §4.5), so an optimizer's randomness needs no stored generator state, only the coordinates.
/// </summary>
internal sealed class DrawStream
{
    private readonly ulong _key;
    private ulong _counter;

    public DrawStream(ulong seed, string purpose, long a, long b = 0, long c = 0)
    {
        _key = CounterRandom.Hash(CounterRandom.Hash(seed, CounterRandom.Hash(purpose), (ulong)a), (ulong)b, (ulong)c);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double Uniform() => CounterRandom.ToUnitDouble(CounterRandom.Hash(_key, _counter++));

    /// <summary>Uniform integer in [0, n).</summary>
    public int Index(int n) => CounterRandom.ToIndex(CounterRandom.Hash(_key, _counter++), n);

    /// <summary>Standard normal by Box–Muller (one variate per pair of uniforms, so the count of draws is fixed).</summary>
    public double Gaussian()
    {
        var u1 = 1.0 - Uniform();
        var u2 = Uniform();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
