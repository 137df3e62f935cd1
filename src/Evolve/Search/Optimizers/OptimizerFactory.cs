using Evolve.Search.Genome;
using Evolve.Search.Optimizers.Cma;
using Evolve.Search.Optimizers.Ga;

namespace Evolve.Search.Optimizers;

/// <summary>
/// The optimizers `evolve search --optimizer` names, each seeded and each asking the seed individuals first: the GA
/// asks them at the head of its initial design, random search before its uniform draws, CMA-ES starts its mean at the
/// first seed (the space's uniform average, when it has one) and asks them all first (<see cref="SeededStart"/>).
/// </summary>
internal static class OptimizerFactory
{
    public static readonly IReadOnlyList<string> Names = ["ga", "cmaes", "random"];

    public static IOptimizer Create(string name, GenomeSpace space, ulong seed, IReadOnlyList<double[]> seeds) => name switch
    {
        "ga" => new GeneticAlgorithm(space, seed, new GaSettings(), seeds),
        "cmaes" => seeds.Count == 0 ? new CmaEs(space, seed) : new SeededStart(new CmaEs(space, seed, initialGenome: seeds[0]), seeds),
        "random" => new RandomSearch(space, seed, seeds),
        _ => throw new ArgumentException($"unknown optimizer '{name}': use one of {string.Join(", ", Names)}", nameof(name)),
    };
}
