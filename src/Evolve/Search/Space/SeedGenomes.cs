using System.Globalization;
using Evolve.Merging.Methods;

namespace Evolve.Search.Space;

/// <summary>
/// The individuals a search starts from, besides the optimizer's own draws: the uniform average of the models,
/// Model Stock's closed-form per-layer interpolation (<see cref="ModelStockSeed"/>), and each recipe of the space's
/// <c>seeds:</c> projected into the space (<see cref="RecipeProjection"/>). Genes a seed says nothing about take the
/// parameter's declared default (clamped into the gene's bounds), or the middle of the bounds when it has none.
/// Every value is rounded as <see cref="RecipeDecoder"/> rounds it.
/// </summary>
internal static class SeedGenomes
{
    public static IReadOnlyList<SeedGenome> Of(SearchSpace space)
    {
        var seeds = new List<SeedGenome> { UniformAverage(space) };
        if (ModelStockSeed.Of(space) is { } modelStock) seeds.Add(modelStock);
        seeds.AddRange(space.SeedRecipes.Select(recipe => RecipeProjection.Project(space, recipe)));
        return seeds;
    }

    /// <summary>
    /// Each model weighted 1/N, with density 1 and λ = 1 where they are genes (or t = 0.5 for a two-model
    /// interpolation). The method is linear or task_arithmetic when the space has one (then the merge is exactly
    /// the models' mean), else the space's first method with a <c>t</c> gene, else the first with a weight: for
    /// TIES-like methods the point nearest the average (sign election still applies).
    /// </summary>
    public static SeedGenome UniformAverage(SearchSpace space)
    {
        var method = Choose(space, m => m.Name is "linear", m => m.Name is "task_arithmetic", m => Evolves(space, m, "t"), m => Evolves(space, m, "weight"))
            ?? space.Methods[0];
        var genome = Neutral(space, method);
        var n = space.Models.Count;
        foreach (var genes in space.Layout.Parameters)
        {
            double? value = genes.Declaration.Parameter switch
            {
                "weight" => 1.0 / n,
                "t" => 0.5,
                "lambda" or "density" => 1.0,
                _ => null,
            };
            if (value is { } v) SetAll(genome, genes, v);
        }
        var what = Evolves(space, method, "t") && !Evolves(space, method, "weight")
            ? "t = 0.5"
            : string.Create(CultureInfo.InvariantCulture, $"weight 1/{n}");
        return new SeedGenome($"uniform average ({method.Name}, {what})", genome);
    }

    /// <summary>The first method (in the space's order) meeting the first condition some method meets.</summary>
    internal static IMergeMethod? Choose(SearchSpace space, params Func<IMergeMethod, bool>[] preferences) =>
        preferences.Select(p => space.Methods.FirstOrDefault(p)).FirstOrDefault(m => m is not null);

    internal static bool Evolves(SearchSpace space, IMergeMethod method, string parameter) =>
        method.Parameters.Any(p => p.Name == parameter) && space.Declarations.Any(d => d.Parameter == parameter);

    /// <summary>A genome choosing <paramref name="method"/> with every real gene at its parameter's default (clamped) or mid-bounds.</summary>
    internal static double[] Neutral(SearchSpace space, IMergeMethod method)
    {
        var genome = new double[space.Genome.Count];
        if (space.Layout.MethodGene is { } m) genome[m] = IndexOf(space, method);
        foreach (var genes in space.Layout.Parameters)
        {
            var name = genes.Declaration.Parameter;
            var def = method.Parameters.FirstOrDefault(p => p.Name == name)
                ?? space.Methods.SelectMany(x => x.Parameters).First(p => p.Name == name);
            var bounds = genes.Declaration.Bounds;
            SetAll(genome, genes, def.Default ?? (bounds.Min + bounds.Max) / 2);
        }
        return genome;
    }

    internal static int IndexOf(SearchSpace space, IMergeMethod method)
    {
        for (var i = 0; i < space.Methods.Count; i++)
            if (ReferenceEquals(space.Methods[i], method)) return i;
        throw new ArgumentException($"{method.Name} is not a method of the space", nameof(method));
    }

    internal static void SetAll(double[] genome, ParameterGenes genes, double value)
    {
        foreach (var gene in genes.Genes)
            Set(genome, genes, gene, value);
    }

    /// <summary>
    /// Sets a gene to the value its recipe will carry: clamped into the bounds and rounded as the decoder rounds, so
    /// a seed is exactly the point its recipe text states (and last-bit differences in a seed's arithmetic cannot
    /// change a run's trajectory).
    /// </summary>
    internal static void Set(double[] genome, ParameterGenes genes, int gene, double value) =>
        genome[gene] = GenePrecision.Round(value, genes.Declaration);
}
