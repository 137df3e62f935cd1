using Evolve.Search.Space;

namespace Evolve.Tests.Search.Space;

/// <summary>Loading search spaces: the shipped zoo space, the genome layout, and one located error per kind of bad input.</summary>
public sealed class SearchSpaceTests
{
    [Fact]
    public void The_zoo_space_loads_with_the_gene_count_computed_by_hand()
    {
        var space = SearchSpace.Load(Path.Combine(RepoPaths.Root, "search-spaces", "zoo.yaml"));

        Assert.Equal(Path.Combine(RepoPaths.Zoo, "base"), space.BaseModel);
        Assert.Equal(["nines", "enc", "spell"], space.Models.Select(m => m.Name));
        Assert.Equal(Path.Combine(RepoPaths.Zoo, "onnx", "base.onnx"), space.Onnx);
        Assert.Equal(4, space.Proxy.Files.Count);
        Assert.Equal(4, space.Proxy.HeldOutFiles.Count);
        Assert.All(space.Proxy.HeldOutFiles, f => Assert.Contains("heldout", f));
        Assert.Equal(Evolve.Proxy.Tasks.TaskMetric.LogLikelihood, space.Proxy.Defaults.Metric);
        Assert.Equal(["ties", "dare_ties", "task_arithmetic"], space.Methods.Select(m => m.Name));
        // method 1 + weight: 3 models × (non_layer 1 + {self_attn, mlp, rest} × 2 groups of 2 layers) = 21
        // + density: 3 models × (non_layer 1 + rest × 1 group of 4 layers) = 6.
        Assert.Equal(28, space.Genome.Count);
        var names = space.Genome.Genes.Select(g => g.Name).ToList();
        Assert.Equal("method", names[0]);
        Assert.Equal(3, space.Genome.Genes[0].Cardinality);
        Assert.Equal(["weight/nines/non_layer", "weight/nines/self_attn/layers0-1", "weight/nines/self_attn/layers2-3",
            "weight/nines/mlp/layers0-1", "weight/nines/mlp/layers2-3", "weight/nines/rest/layers0-1", "weight/nines/rest/layers2-3"], names[1..8]);
        Assert.Equal(["density/spell/non_layer", "density/spell/layers0-3"], names[^2..]);
        // Bounds come from the parameters' declared search ranges: weight [0, 1], density [0.1, 1].
        Assert.All(space.Genome.Genes.Where(g => g.Name.StartsWith("weight/", StringComparison.Ordinal)), g => Assert.Equal((0.0, 1.0), (g.Low, g.High)));
        Assert.All(space.Genome.Genes.Where(g => g.Name.StartsWith("density/", StringComparison.Ordinal)), g => Assert.Equal((0.1, 1.0), (g.Low, g.High)));
    }

    [Fact]
    public void A_single_method_has_no_method_gene_and_a_global_parameter_has_no_model_in_its_names()
    {
        var path = SpaceFiles.TwoModels(t => t.Replace("methods: [task_arithmetic, ties]", "methods: [task_arithmetic]"), """
              weight: {}
              lambda:
                filters: [mlp]
                layers_per_gene: 4
            """);
        var space = SearchSpace.Load(path);
        Assert.Null(space.Layout.MethodGene);
        Assert.Equal(["weight/nines/non_layer", "weight/nines/layers0-3", "weight/enc/non_layer", "weight/enc/layers0-3",
            "lambda/non_layer", "lambda/mlp/layers0-3", "lambda/rest/layers0-3"], space.Genome.Genes.Select(g => g.Name));
        // lambda's declared search range is [0.5, 1.5].
        Assert.Equal((0.5, 1.5), (space.Genome.Genes[^1].Low, space.Genome.Genes[^1].High));
    }

    private static SearchSpaceException Fails(string path)
    {
        var e = Assert.Throws<SearchSpaceException>(() => SearchSpace.Load(path));
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    /// <summary>The line (1-based) of the first occurrence of <paramref name="text"/> in the file.</summary>
    private static int LineOf(string path, string text) =>
        File.ReadAllLines(path).Select((l, i) => (l, i)).First(x => x.l.Contains(text, StringComparison.Ordinal)).i + 1;

    private static void AssertAt(SearchSpaceException e, string path, string lineText, string problem)
    {
        Assert.Equal($"{path}:{LineOf(path, lineText)}", e.Location);
        Assert.Contains(problem, e.Problem);
        Assert.False(string.IsNullOrEmpty(e.Remedy), "every space error says what to do");
    }

    [Fact]
    public void An_unknown_top_level_key_is_located()
    {
        var path = SpaceFiles.TwoModels(t => t + "\npopulation: 20\n");
        AssertAt(Fails(path), path, "population:", "unknown key 'population'");
    }

    [Fact]
    public void An_unknown_key_inside_a_gene_is_located()
    {
        var path = SpaceFiles.TwoModels(genes: "  weight: {bound: [0, 1]}\n");
        AssertAt(Fails(path), path, "bound:", "unknown key 'genes.weight.bound'");
    }

    [Fact]
    public void An_unknown_method_is_located_and_the_known_ones_are_listed()
    {
        var path = SpaceFiles.TwoModels(t => t.Replace("methods: [task_arithmetic, ties]", "methods: [task_arithmetic, tie]"));
        var e = Fails(path);
        AssertAt(e, path, "methods:", "unknown merge method 'tie'");
        Assert.Contains("dare_ties", e.Remedy);
    }

    [Fact]
    public void A_method_that_cannot_take_the_number_of_models_is_located()
    {
        var path = SpaceFiles.TwoModels(t => t.Replace("methods: [task_arithmetic, ties]", "methods: [slerp]"), "  t: {}\n");
        AssertAt(Fails(path), path, "methods:", "slerp takes exactly 1 model(s) besides the base, the space lists 2");
    }

    [Fact]
    public void A_parameter_none_of_the_methods_declares_is_located()
    {
        var path = SpaceFiles.TwoModels(genes: "  weight: {}\n  epsilon: {}\n");
        var e = Fails(path);
        AssertAt(e, path, "epsilon:", "none of the methods (task_arithmetic, ties) has a parameter 'epsilon'");
        Assert.Contains("density", e.Remedy);
    }

    [Fact]
    public void A_drop_rate_gene_is_pointed_to_density()
    {
        var path = SpaceFiles.TwoModels(t => t.Replace("methods: [task_arithmetic, ties]", "methods: [dare_ties]"), "  weight: {}\n  drop_rate: {}\n");
        var e = Fails(path);
        AssertAt(e, path, "drop_rate:", "none of the methods (dare_ties) has a parameter 'drop_rate'");
        Assert.StartsWith("DARE's drop rate is 1 - density", e.Remedy);
    }

    [Fact]
    public void Invalid_yaml_is_located_at_its_line()
    {
        var path = SpaceFiles.TwoModels(t => t.Replace("seed: 3", "seed: 3\n  extra: 4"));
        var e = Fails(path);
        Assert.Equal($"{path}:{LineOf(path, "extra: 4")}", e.Location);
        Assert.StartsWith("not valid YAML", e.Problem);
    }

    [Fact]
    public void An_unclosed_flow_list_is_a_space_error_not_a_crash()
    {
        var path = SpaceFiles.TwoModels(t => t.Replace("seed: 3", "seed: [3"));
        var e = Fails(path);
        Assert.Equal(path, e.Location);
        Assert.StartsWith("not valid YAML", e.Problem);
    }

    [Fact]
    public void A_true_false_switch_cannot_be_a_gene()
    {
        var path = SpaceFiles.TwoModels(t => t.Replace("fixed:\n  normalize: false\n", ""), "  weight: {}\n  normalize: {}\n");
        AssertAt(Fails(path), path, "normalize: {}", "'normalize' is a true/false switch");
    }

    [Fact]
    public void Bounds_outside_the_declared_valid_range_are_located()
    {
        var path = SpaceFiles.TwoModels(genes: "  weight: {}\n  density:\n    bounds: [0.2, 1.5]\n");
        AssertAt(Fails(path), path, "bounds:", "genes.density.bounds [0.2, 1.5] lies outside density's valid range [0, 1]");
    }

    [Fact]
    public void Empty_bounds_are_located()
    {
        var path = SpaceFiles.TwoModels(genes: "  weight:\n    bounds: [0.8, 0.8]\n");
        AssertAt(Fails(path), path, "bounds:", "genes.weight.bounds [0.8, 0.8] is empty");
    }

    [Fact]
    public void A_missing_model_folder_is_located()
    {
        var path = SpaceFiles.TwoModels(t => t.Replace(SpaceFiles.Zoo("enc"), SpaceFiles.Zoo("encc")));
        AssertAt(Fails(path), path, "models:", $"models[1]: model folder '{SpaceFiles.Zoo("encc")}' does not exist");
    }

    [Fact]
    public void A_relative_model_path_is_resolved_against_the_space_file()
    {
        var path = SpaceFiles.TwoModels(t => t.Replace($"base: {SpaceFiles.Zoo("base")}", "base: ../zoo/base"));
        AssertAt(Fails(path), path, "base:", $"base: model folder '{Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "zoo", "base"))}' does not exist");
    }

    [Fact]
    public void Layers_per_gene_that_does_not_divide_the_depth_is_located()
    {
        var path = SpaceFiles.TwoModels(genes: "  weight:\n    layers_per_gene: 3\n");
        var e = Fails(path);
        AssertAt(e, path, "layers_per_gene: 3", "genes.weight.layers_per_gene: 3 layers per gene does not split the base's 4 layers into equal groups");
        Assert.Equal("Use one of 1, 2, 4", e.Remedy);
    }

    [Fact]
    public void A_filter_matching_no_layer_tensor_is_located()
    {
        var path = SpaceFiles.TwoModels(genes: "  weight:\n    filters: [self_atn]\n");
        AssertAt(Fails(path), path, "filters:", "genes.weight.filters[0]: 'self_atn' matches no layer tensor of the base");
    }

    [Fact]
    public void A_required_parameter_neither_evolved_nor_fixed_is_located()
    {
        var path = SpaceFiles.TwoModels(genes: "  density: {}\n");
        AssertAt(Fails(path), path, "genes:", "task_arithmetic needs 'weight' and the space neither evolves nor fixes it");
    }

    [Fact]
    public void A_fixed_value_outside_its_range_is_located()
    {
        var path = SpaceFiles.TwoModels(t => t.Replace("normalize: false", "density: 2"), "  weight: {}\n");
        AssertAt(Fails(path), path, "density: 2", "fixed.density = 2 is outside density's valid range [0, 1]");
    }

    [Fact]
    public void A_missing_seed_recipe_is_located()
    {
        var path = SpaceFiles.TwoModels(t => t + "\nseeds: [sweep-best.yaml]\n");
        AssertAt(Fails(path), path, "seeds:", "seeds[0]: recipe");
    }

    [Fact]
    public void A_missing_onnx_graph_is_located()
    {
        var path = SpaceFiles.TwoModels(t => t.Replace("base.onnx", "missing.onnx"));
        AssertAt(Fails(path), path, "onnx:", "is not a file");
    }
}
