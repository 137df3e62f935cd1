using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// Generational turnover without a generation barrier: every child enters, in place of the oldest member outside
/// the <c>elites</c> fittest (fitness ties broken by the earlier id). Selection pressure comes from parent selection
/// alone, so a child worse than the whole population still displaces a member.
/// </summary>
internal sealed class OldestReplacement : IReplacement
{
    public int Victim(IReadOnlyList<Individual> population, Individual child, GenomeSpace space, int elites)
    {
        var elite = Enumerable.Range(0, population.Count)
            .OrderByDescending(i => population[i].Fitness)
            .ThenBy(i => population[i].Id)
            .Take(elites)
            .ToHashSet();
        var victim = -1;
        for (var i = 0; i < population.Count; i++)
            if (!elite.Contains(i) && (victim < 0 || population[i].Born < population[victim].Born))
                victim = i;
        return victim;
    }
}
