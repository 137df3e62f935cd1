namespace Evolve.Search.Optimizers.Ga;

/// <summary>Independent uniform draws, one stream per candidate id: points may cluster and leave regions unvisited.</summary>
internal sealed class UniformDesign : IInitialDesign
{
    public double[] Point(ulong seed, long id, int row, int rows, int genes) => Draw(seed, id, genes);

    /// <summary>The draw a GA also falls back to when it has too few members to breed from.</summary>
    public static double[] Draw(ulong seed, long id, int genes)
    {
        var random = new DrawStream(seed, "ga.initial", id);
        var unit = new double[genes];
        for (var i = 0; i < unit.Length; i++)
            unit[i] = random.Uniform();
        return unit;
    }
}
