namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// A Latin hypercube: each gene's unit interval is cut into <c>rows</c> equal strata and every stratum holds exactly
/// one design point, at a uniform offset inside it; which row takes which stratum is a separate random permutation
/// per gene. So n points cover every gene's range evenly (a categorical gene with k choices gets each choice
/// ⌊n/k⌋ or ⌈n/k⌉ times), where n uniform draws would leave gaps.
/// </summary>
internal sealed class LatinHypercubeDesign : IInitialDesign
{
    public double[] Point(ulong seed, long id, int row, int rows, int genes)
    {
        if (row < 0 || row >= rows)
            throw new ArgumentOutOfRangeException(nameof(row), $"row {row} of a design of {rows}");
        var offsets = new DrawStream(seed, "ga.design.offset", rows, row);
        var unit = new double[genes];
        for (var gene = 0; gene < genes; gene++)
            unit[gene] = (Stratum(seed, rows, gene, row) + offsets.Uniform()) / rows;
        return unit;
    }

    /// <summary>The stratum row <paramref name="row"/> takes in gene <paramref name="gene"/>: entry row of a Fisher–Yates shuffle of 0..rows-1.</summary>
    internal static int Stratum(ulong seed, int rows, int gene, int row)
    {
        var draws = new DrawStream(seed, "ga.design.strata", rows, gene);
        var order = new int[rows];
        for (var i = 0; i < rows; i++)
            order[i] = i;
        for (var i = rows - 1; i > 0; i--)
        {
            var j = draws.Index(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order[row];
    }
}
