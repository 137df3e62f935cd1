namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// Fitness-proportional selection. Fitness may be negative (log-likelihoods), so each share is the fitness above
/// the worst plus a floor of 1/N of the spread: the worst keeps a small chance and equal fitness gives equal shares.
/// </summary>
internal sealed class RouletteSelection : ISelection
{
    public int Select(IReadOnlyList<Individual> population, DrawStream draws)
    {
        var n = population.Count;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var p in population)
        {
            min = Math.Min(min, p.Fitness);
            max = Math.Max(max, p.Fitness);
        }
        var floor = max > min ? (max - min) / n : 1.0;
        var total = 0.0;
        foreach (var p in population)
            total += p.Fitness - min + floor;
        var spin = draws.Uniform() * total;
        for (var i = 0; i < n; i++)
        {
            spin -= population[i].Fitness - min + floor;
            if (spin < 0)
                return i;
        }
        return n - 1;
    }
}
