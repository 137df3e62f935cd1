using Evolve.Checkpoints;
using Evolve.Merging.Execution;
using Evolve.Merging.Methods;
using Evolve.Search.Space;

namespace Evolve.Tests.Search.Space;

/// <summary>Seed individuals: the uniform average, Model Stock's closed-form t per gene group, and a recipe projected into the space.</summary>
public sealed class SeedGenomesTests
{
    private static float[] Read(ITensorSource source, string tensor)
    {
        var values = new float[(int)source.Tensors.Single(t => t.Name == tensor).ElementCount];
        source.ReadFloat32(tensor, values);
        return values;
    }

    private static string WriteRecipe(string text)
    {
        var path = Path.Combine(RepoPaths.NewTempDir("seed"), "recipe.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void The_uniform_average_merges_to_the_mean_of_the_models()
    {
        var space = SearchSpace.Load(SpaceFiles.TwoModels());
        var seed = SeedGenomes.UniformAverage(space);
        Assert.Equal("uniform average (task_arithmetic, weight 1/2)", seed.Origin);
        Assert.Equal(0, seed.Genome[0]);
        Assert.All(seed.Genome[1..11], v => Assert.Equal(0.5, v));
        Assert.All(seed.Genome[11..], v => Assert.Equal(1.0, v));

        using var merged = MergedRecipe.Merge(WriteRecipe(new RecipeDecoder(space).RecipeText(seed.Genome)));
        using var nines = HfModelFolder.Open(SpaceFiles.Zoo("nines"));
        using var enc = HfModelFolder.Open(SpaceFiles.Zoo("enc"));
        foreach (var tensor in new[] { "model.embed_tokens.weight", "model.layers.2.mlp.up_proj.weight" })
        {
            var (a, b, m) = (Read(nines.Weights, tensor), Read(enc.Weights, tensor), Read(merged.Weights, tensor));
            for (var i = 0; i < m.Length; i++)
                Assert.True(Math.Abs(m[i] - ((double)a[i] + b[i]) / 2) <= 1e-6, $"{tensor}[{i}]");
        }
    }

    [Fact]
    public void The_zoo_space_averages_with_task_arithmetic_at_a_third_each()
    {
        var space = SearchSpace.Load(Path.Combine(RepoPaths.Root, "search-spaces", "zoo.yaml"));
        var seed = SeedGenomes.UniformAverage(space);
        Assert.Equal(2, seed.Genome[0]); // methods: [ties, dare_ties, task_arithmetic]
        var text = new RecipeDecoder(space).RecipeText(seed.Genome);
        Assert.StartsWith("merge_method: task_arithmetic\n", text);
        Assert.Contains("value: 0.3333\n", text);
    }

    [Theory]
    [InlineData(new[] { 1.0, 1.0, 1.0, 2.0 }, 0.8284271247461901)]              // o1 = (1,0), o2 = (1,1): c = 1/√2, t = 2c/(1+c)
    [InlineData(new[] { 1.0, 0.0, 0.0, 1.0 }, 0.0)]                              // orthogonal offsets: t = 0 (keep the base)
    [InlineData(new[] { 4.0, 2.0, 2.0, 1.0 }, 1.0)]                              // parallel offsets: t = 1 (the models' mean)
    [InlineData(new[] { 1.0, 0.5, 0.5, 0.5, 1.0, 0.5, 0.5, 0.5, 1.0 }, 0.75)]   // three models, every cosine 0.5: t = 3·0.5/(1+2·0.5)
    public void Model_stock_t_follows_the_closed_form(double[] gram, double t)
    {
        var n = (int)Math.Sqrt(gram.Length);
        var matrix = new double[n, n];
        for (var i = 0; i < gram.Length; i++) matrix[i / n, i % n] = gram[i];
        Assert.Equal(t, ModelStockMethod.InterpolationFactor(matrix), 12);
    }

    [Fact]
    public void Model_stock_seed_matches_the_merge_engines_model_stock_on_a_single_tensor_gene()
    {
        const string tensor = "model.layers.0.self_attn.q_proj.weight";
        var space = SearchSpace.Load(SpaceFiles.TwoModels(t => t.Replace("methods: [task_arithmetic, ties]", "methods: [task_arithmetic]"),
            $"  weight:\n    layers_per_gene: 1\n    filters: [{tensor}]\n"));
        var gene = space.Genome.Genes.Select((g, i) => (g, i)).Single(x => x.g.Name == $"weight/nines/{tensor}/layers0").i;
        var seed = ModelStockSeed.Of(space)!;

        var recipe = WriteRecipe($"merge_method: model_stock\nbase_model: {SpaceFiles.Zoo("base")}\nmodels:\n  - model: {SpaceFiles.Zoo("nines")}\n  - model: {SpaceFiles.Zoo("enc")}\ndtype: float32\n");
        using var engine = MergedRecipe.Merge(recipe);
        using var b = HfModelFolder.Open(SpaceFiles.Zoo("base"));
        using var x1 = HfModelFolder.Open(SpaceFiles.Zoo("nines"));
        using var x2 = HfModelFolder.Open(SpaceFiles.Zoo("enc"));
        var (xb, a, c, m) = (Read(b.Weights, tensor), Read(x1.Weights, tensor), Read(x2.Weights, tensor), Read(engine.Weights, tensor));
        // The engine's merge is B + t·(mean − B): recover its t by least squares.
        double num = 0, den = 0;
        for (var i = 0; i < m.Length; i++)
        {
            var d = ((double)a[i] + c[i]) / 2 - xb[i];
            num += ((double)m[i] - xb[i]) * d;
            den += d * d;
        }
        var engineT = num / den;
        Assert.InRange(engineT, 0.05, 0.95);
        Assert.Equal(engineT, ModelStockSeed.GroupFactors(space)[gene], 5);
        Assert.Equal(Math.Round(engineT / 2, 4), seed.Genome[gene], 12); // weight = t/N with N = 2, λ = 1, at the decoder's precision
    }

    [Fact]
    public void Model_stock_seed_pools_a_groups_tensors_as_computed_by_hand()
    {
        var space = SearchSpace.Load(Path.Combine(RepoPaths.Root, "search-spaces", "zoo.yaml"));
        var seed = ModelStockSeed.Of(space)!;
        Assert.Equal(2, seed.Genome[0]); // task_arithmetic
        string[] names = ["nines", "enc", "spell"];
        using var b = HfModelFolder.Open(SpaceFiles.Zoo("base"));
        var models = names.Select(n => HfModelFolder.Open(SpaceFiles.Zoo(n))).ToArray();
        // Gene weight/*/mlp/layers2-3 governs the gate, up and down projections of layers 2 and 3.
        var tensors = from layer in new[] { 2, 3 } from p in new[] { "down_proj", "gate_proj", "up_proj" } select $"model.layers.{layer}.mlp.{p}.weight";
        var dots = new double[3, 3];
        foreach (var tensor in tensors)
        {
            var xb = Read(b.Weights, tensor);
            var x = models.Select(m => Read(m.Weights, tensor)).ToArray();
            for (var i = 0; i < 3; i++)
                for (var j = 0; j < 3; j++)
                    for (var e = 0; e < xb.Length; e++)
                        dots[i, j] += ((double)x[i][e] - xb[e]) * ((double)x[j][e] - xb[e]);
        }
        foreach (var m in models) m.Dispose();
        var c = (Cos(0, 1) + Cos(0, 2) + Cos(1, 2)) / 3;
        double Cos(int i, int j) => dots[i, j] / Math.Sqrt(dots[i, i] * dots[j, j]);
        var t = 3 * c / (1 + 2 * c);
        foreach (var model in names)
        {
            var gene = space.Genome.Genes.Select((g, i) => (g, i)).Single(x => x.g.Name == $"weight/{model}/mlp/layers2-3").i;
            Assert.Equal(t, ModelStockSeed.GroupFactors(space)[gene], 9);
            Assert.Equal(Math.Round(t / 3, 4), seed.Genome[gene], 12);
        }
        Assert.StartsWith("model stock (task_arithmetic", seed.Origin);
    }

    [Fact]
    public void A_recipe_projects_onto_its_group_means()
    {
        var recipe = WriteRecipe($"""
            merge_method: task_arithmetic
            base_model: {SpaceFiles.Zoo("base")}
            parameters:
              normalize: false
            models:
              - model: {SpaceFiles.Zoo("nines")}
                parameters:
                  weight: [0.1, 0.3, 0.5, 0.7]
              - model: {SpaceFiles.Zoo("enc")}
                parameters:
                  weight: 0.4
                  density: 0.5
            """);
        var space = SearchSpace.Load(SpaceFiles.TwoModels(t => t + $"\nseeds: [{recipe}]\n"));
        var seeds = SeedGenomes.Of(space);
        Assert.Equal(3, seeds.Count);
        Assert.StartsWith("uniform average", seeds[0].Origin);
        Assert.StartsWith("model stock", seeds[1].Origin);
        var projected = seeds[2];
        Assert.Equal($"recipe {recipe} (task_arithmetic)", projected.Origin);
        // weight/nines: non_layer (planned at t = 0: the first anchor), self_attn 0-1, self_attn 2-3, rest 0-1, rest 2-3;
        // weight/enc 0.4 everywhere; density/nines: task_arithmetic's default 1; density/enc 0.5.
        double[] expected = [0, 0.1, 0.2, 0.6, 0.2, 0.6, 0.4, 0.4, 0.4, 0.4, 0.4, 1, 1, 0.5, 0.5];
        Assert.Equal(expected.Length, projected.Genome.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], projected.Genome[i], 12);
    }

    [Fact]
    public void Projecting_a_decoded_recipe_gives_back_its_genome()
    {
        var space = SearchSpace.Load(SpaceFiles.TwoModels());
        var decoder = new RecipeDecoder(space);
        var random = new Random(5);
        for (var draw = 0; draw < 4; draw++)
        {
            var genome = space.Genome.Decode(Enumerable.Range(0, space.Genome.Count).Select(_ => random.NextDouble()).ToArray());
            var recipe = WriteRecipe(decoder.RecipeText(genome));
            var projected = RecipeProjection.Project(space, recipe).Genome;
            Assert.Equal(decoder.RecipeText(genome), decoder.RecipeText(projected));
            Assert.Equal(genome[0], projected[0]);
            var method = decoder.MethodOf(genome);
            for (var i = 1; i < genome.Length; i++)
            {
                var genes = space.Layout.Parameters.First(p => p.Genes.Contains(i));
                // A parameter the method ignores (task_arithmetic's density) is not in the recipe, so nothing projects back.
                if (method.Parameters.FirstOrDefault(d => d.Name == genes.Declaration.Parameter) is { Ignored: true })
                    continue;
                Assert.Equal(GenePrecision.Round(genome[i], genes.Declaration), projected[i], 12);
            }
        }
    }

    [Fact]
    public void A_seed_recipe_with_a_method_outside_the_space_is_located()
    {
        var recipe = WriteRecipe($"merge_method: linear\nmodels:\n  - model: {SpaceFiles.Zoo("nines")}\n    parameters: {{weight: 1}}\n  - model: {SpaceFiles.Zoo("enc")}\n    parameters: {{weight: 1}}\n");
        var space = SearchSpace.Load(SpaceFiles.TwoModels(t => t + $"\nseeds: [{recipe}]\n"));
        var e = Assert.Throws<SearchSpaceException>(() => SeedGenomes.Of(space));
        Assert.Equal($"{recipe}:1", e.Location);
        Assert.Contains("method linear is not among the space's methods (task_arithmetic, ties)", e.Problem);
    }

    [Fact]
    public void A_seed_recipe_merging_another_model_is_located()
    {
        var recipe = WriteRecipe($"merge_method: ties\nbase_model: {SpaceFiles.Zoo("base")}\nmodels:\n  - model: {SpaceFiles.Zoo("nines")}\n    parameters: {{weight: 1}}\n  - model: {SpaceFiles.Zoo("spell")}\n    parameters: {{weight: 1}}\n");
        var space = SearchSpace.Load(SpaceFiles.TwoModels(t => t + $"\nseeds: [{recipe}]\n"));
        var e = Assert.Throws<SearchSpaceException>(() => SeedGenomes.Of(space));
        Assert.Contains($"seed recipe merges {SpaceFiles.Zoo("spell")}, which is not a model of the space", e.Problem);
    }
}
