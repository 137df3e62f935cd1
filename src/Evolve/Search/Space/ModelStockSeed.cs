using System.Globalization;
using System.Numerics.Tensors;
using Evolve.Checkpoints;
using Evolve.Merging.Methods;
using Evolve.Merging.Parameters;

namespace Evolve.Search.Space;

/// <summary>
/// Model Stock's closed-form interpolation (Jang et al., arXiv:2403.19522) per gene group, as a seed. For the
/// tensors a weight gene governs (a layer group under one filter, or the non-layer tensors), the offsets
/// oᵢ = Xᵢ − B of the N models are taken over all those tensors together; c = the mean over pairs i &lt; j of
/// cos(oᵢ, oⱼ) (denominator floored at 1e-6, clamped to [−1, 1], as the merge engine's model_stock does per tensor);
/// t = N·c / (1 + (N−1)·c). Model Stock's merge t·mean(Xᵢ) + (1−t)·B equals task arithmetic
/// B + λ·Σ wᵢ(Xᵢ − B) with every wᵢ = t/(N·λ), so the seed is a task-arithmetic point (or, when the space lacks
/// task_arithmetic, the first method with weights and a base, density 1: the nearest point it can express).
/// Needs at least two models and a weight gene; weights are clamped into the genes' bounds.
/// </summary>
internal static class ModelStockSeed
{
    public static SeedGenome? Of(SearchSpace space)
    {
        var n = space.Models.Count;
        var method = SeedGenomes.Choose(space, m => m.Name is "task_arithmetic",
            m => m.BaseModel == BaseModelRole.Required && m.Parameters.Any(p => p.Name == "weight" && p.Scope == ParameterScope.PerModel));
        if (n < 2 || method is null || !SeedGenomes.Evolves(space, method, "weight")) return null;

        var genome = SeedGenomes.Neutral(space, method);
        foreach (var genes in space.Layout.Parameters.Where(g => g.Declaration.Parameter == "density"))
            SeedGenomes.SetAll(genome, genes, 1.0);
        var lambda = 1.0;
        if (method.Parameters.Any(p => p.Name == "lambda"))
        {
            foreach (var genes in space.Layout.Parameters.Where(g => g.Declaration.Parameter == "lambda"))
                SeedGenomes.SetAll(genome, genes, 1.0);
            lambda = space.Layout.Parameters.FirstOrDefault(g => g.Declaration.Parameter == "lambda") is { } lambdaGenes
                ? genome[lambdaGenes.Genes.First()]
                : space.Fixed.FirstOrDefault(f => f.Name == "lambda")?.Value ?? method.Parameters.First(p => p.Name == "lambda").Default ?? 1.0;
        }

        var factors = GroupFactors(space);
        foreach (var genes in space.Layout.Parameters.Where(g => g.Declaration.Parameter == "weight"))
            foreach (var gene in genes.Genes)
                SeedGenomes.Set(genome, genes, gene, factors[gene] / (n * lambda));
        return new SeedGenome(string.Create(CultureInfo.InvariantCulture,
            $"model stock ({method.Name}, per-group t from {factors.Values.Min():F3} to {factors.Values.Max():F3}, weight t/{n})"), genome);
    }

    /// <summary>Model Stock's t for the tensors of each weight gene (genes of different models over the same tensors share it).</summary>
    public static IReadOnlyDictionary<int, double> GroupFactors(SearchSpace space)
    {
        using var baseModel = HfModelFolder.Open(space.BaseModel);
        var models = space.Models.Select(m => HfModelFolder.Open(m.Path)).ToList();
        try
        {
            var byTensors = new Dictionary<string, double>(StringComparer.Ordinal);
            var factors = new Dictionary<int, double>();
            foreach (var genes in space.Layout.Parameters.Where(g => g.Declaration.Parameter == "weight"))
                foreach (var (gene, tensors) in genes.Targets(space.Tensors))
                {
                    var key = string.Join('\n', tensors);
                    if (!byTensors.TryGetValue(key, out var t))
                        byTensors[key] = t = ModelStockMethod.InterpolationFactor(Gram(baseModel.Weights, models.Select(m => m.Weights).ToList(), tensors));
                    factors[gene] = t;
                }
            return factors;
        }
        finally
        {
            foreach (var m in models) m.Dispose();
        }
    }

    /// <summary>Gram matrix of the offsets Xᵢ − B over the given tensors together, accumulated in float64.</summary>
    public static double[,] Gram(ITensorSource baseWeights, IReadOnlyList<ITensorSource> models, IReadOnlyList<string> tensors)
    {
        var n = models.Count;
        var gram = new double[n, n];
        foreach (var name in tensors)
        {
            var length = (int)baseWeights.Tensors.First(t => t.Name == name).ElementCount;
            var b = new float[length];
            baseWeights.ReadFloat32(name, b);
            var offsets = new double[n][];
            for (var i = 0; i < n; i++)
            {
                var x = new float[length];
                models[i].ReadFloat32(name, x);
                offsets[i] = new double[length];
                for (var e = 0; e < length; e++) offsets[i][e] = (double)x[e] - b[e];
            }
            for (var i = 0; i < n; i++)
                for (var j = i; j < n; j++)
                {
                    gram[i, j] += TensorPrimitives.Dot<double>(offsets[i], offsets[j]);
                    gram[j, i] = gram[i, j];
                }
        }
        return gram;
    }
}
