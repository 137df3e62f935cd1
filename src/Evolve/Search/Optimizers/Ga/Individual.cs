namespace Evolve.Search.Optimizers.Ga;

/// <summary>A told member of the GA population: its unit coordinates, fitness, the tell count when it was born (or migrated) and its island.</summary>
internal sealed record Individual(long Id, double[] Unit, double Fitness, long Born, int Island = 0);
