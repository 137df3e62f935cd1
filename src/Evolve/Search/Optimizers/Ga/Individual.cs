namespace Evolve.Search.Optimizers.Ga;

/// <summary>A told member of the GA population: its unit coordinates, fitness and the tell count when it was born.</summary>
internal sealed record Individual(long Id, double[] Unit, double Fitness, long Born);
