namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// Linear ranking (Baker): the member of rank r (0 = worst) is chosen with probability
/// ((2 − s) + 2 r (s − 1) / (N − 1)) / N, where s in [1, 2] is the expected number of picks of the best.
/// </summary>
internal sealed class RankSelection(double pressure = 1.5) : ISelection
{
    public double Pressure { get; } = pressure is >= 1 and <= 2
        ? pressure
        : throw new ArgumentOutOfRangeException(nameof(pressure), "linear ranking pressure must lie in [1, 2]");

    public int Select(IReadOnlyList<Individual> population, DrawStream draws)
    {
        var n = population.Count;
        if (n == 1)
            return 0;
        var byRank = Enumerable.Range(0, n)
            .OrderBy(i => population[i].Fitness)
            .ThenByDescending(i => population[i].Id)
            .ToArray();
        var spin = draws.Uniform();
        for (var r = 0; r < n; r++)
        {
            spin -= ((2 - Pressure) + 2.0 * r * (Pressure - 1) / (n - 1)) / n;
            if (spin < 0)
                return byRank[r];
        }
        return byRank[n - 1];
    }
}
