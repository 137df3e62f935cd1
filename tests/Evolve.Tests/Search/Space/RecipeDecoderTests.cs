using Evolve.Checkpoints;
using Evolve.Merging.Execution;
using Evolve.Merging.Recipes;
using Evolve.Search.Space;

namespace Evolve.Tests.Search.Space;

/// <summary>Genomes decode into ordinary mergekit recipes that the merge engine merges as hand computation says.</summary>
public sealed class RecipeDecoderTests
{
    // Genes of SpaceFiles.TwoModels: 0 method [task_arithmetic, ties]; weight/nines: 1 non_layer, 2 self_attn/layers0-1,
    // 3 self_attn/layers2-3, 4 rest/layers0-1, 5 rest/layers2-3; weight/enc: 6-10 likewise; density/nines: 11 non_layer,
    // 12 layers0-3; density/enc: 13, 14.
    private static readonly double[] Genome = [0, 0.25, 0.123456, 0.5, 1.0, 0.75, 0.3, 0.6, 0.9, 1.2, 1.5, 0.5, 0.7, 0.55, 0.95];

    private static string ExpectedYaml(string method) => $"""
        merge_method: {method}
        base_model: {SpaceFiles.Zoo("base")}
        parameters:
          normalize: false
        models:
        - model: {SpaceFiles.Zoo("nines")}
          parameters:
            weight:
            - filter: lm_head.weight
              value: 0.25
            - filter: model.embed_tokens.weight
              value: 0.25
            - filter: model.norm.weight
              value: 0.25
            - filter: self_attn
              value: [0.1235, 0.1235, 0.5, 0.5]
            - value: [1, 1, 0.75, 0.75]{Density(method, "0.5", "0.7")}
        - model: {SpaceFiles.Zoo("enc")}
          parameters:
            weight:
            - filter: lm_head.weight
              value: 0.3
            - filter: model.embed_tokens.weight
              value: 0.3
            - filter: model.norm.weight
              value: 0.3
            - filter: self_attn
              value: [0.6, 0.6, 0.9, 0.9]
            - value: [1.2, 1.2, 1.5, 1.5]{Density(method, "0.55", "0.95")}

        """;

    // task_arithmetic accepts density and ignores it (as mergekit does), so its candidates carry no density at all.
    private static string Density(string method, string nonLayer, string layers) => method == "task_arithmetic" ? "" : $"""

            density:
            - filter: lm_head.weight
              value: {nonLayer}
            - filter: model.embed_tokens.weight
              value: {nonLayer}
            - filter: model.norm.weight
              value: {nonLayer}
            - value: {layers}
        """;

    [Fact]
    public void A_hand_written_genome_decodes_into_the_hand_written_recipe()
    {
        var decoder = new RecipeDecoder(SearchSpace.Load(SpaceFiles.TwoModels()));
        var text = decoder.RecipeText(Genome);
        Assert.Equal(ExpectedYaml("task_arithmetic"), text);
        // The text reads back (validated against the methods' declarations) to the recipe the decoder built.
        Assert.Equal(decoder.Decode(Genome), RecipeYaml.Parse(text));

        var ties = (double[])Genome.Clone();
        ties[0] = 1;
        Assert.Equal(ExpectedYaml("ties"), decoder.RecipeText(ties));
    }

    [Fact]
    public void Text_identity_is_value_identity_at_the_stated_precision()
    {
        var decoder = new RecipeDecoder(SearchSpace.Load(SpaceFiles.TwoModels()));
        var text = decoder.RecipeText(Genome);
        var close = (double[])Genome.Clone();
        close[2] += 3e-6; // 0.123459 still rounds to 0.1235 (weight span 1.5 → 4 decimals)
        Assert.Equal(text, decoder.RecipeText(close));
        var apart = (double[])Genome.Clone();
        apart[2] += 1e-4;
        Assert.Contains("[0.1236, 0.1236, 0.5, 0.5]", decoder.RecipeText(apart));
    }

    [Fact]
    public void Linear_smoothing_writes_one_gradient_anchor_per_layer_group()
    {
        var decoder = new RecipeDecoder(SearchSpace.Load(SpaceFiles.TwoModels(t => t.Replace("methods: [task_arithmetic, ties]", "methods: [task_arithmetic]\nsmoothing: linear"))));
        var text = decoder.RecipeText(Genome[1..]);
        Assert.Contains("- filter: self_attn\n      value: [0.1235, 0.5]\n    - value: [1, 0.75]\n", text);
    }

    [Fact]
    public void A_method_that_merges_the_base_as_an_input_gets_no_base_model()
    {
        var decoder = new RecipeDecoder(SearchSpace.Load(SpaceFiles.TwoModels(
            t => t.Replace("methods: [task_arithmetic, ties]", "methods: [linear]").Replace("fixed:\n  normalize: false\n", ""), "  weight: {}\n")));
        var recipe = decoder.Decode([0.2, 0.4, 0.6, 0.8]);
        Assert.Equal("linear", recipe.MergeMethod);
        Assert.Null(recipe.BaseModel);
        Assert.Equal(2, recipe.Models!.Count);
    }

    [Fact]
    public void The_decoded_recipe_merges_as_task_arithmetic_computed_by_hand_from_the_zoo_tensors()
    {
        var decoder = new RecipeDecoder(SearchSpace.Load(SpaceFiles.TwoModels()));
        var recipe = Path.Combine(RepoPaths.NewTempDir("decoded"), "candidate.yaml");
        File.WriteAllText(recipe, decoder.RecipeText(Genome));
        using var merged = MergedRecipe.Merge(recipe);

        // task_arithmetic, λ = 1: B + w_nines·(nines − B) + w_enc·(enc − B), each weight from the gene governing the tensor.
        (string Tensor, double Nines, double Enc)[] cases =
        [
            ("model.layers.1.self_attn.q_proj.weight", 0.1235, 0.6), // self_attn, layers 0-1
            ("model.layers.3.mlp.down_proj.weight", 0.75, 1.5),      // rest, layers 2-3
            ("model.layers.2.input_layernorm.weight", 0.75, 1.5),    // rest, layers 2-3
            ("lm_head.weight", 0.25, 0.3),                           // non-layer
        ];
        using var b = HfModelFolder.Open(SpaceFiles.Zoo("base"));
        using var nines = HfModelFolder.Open(SpaceFiles.Zoo("nines"));
        using var enc = HfModelFolder.Open(SpaceFiles.Zoo("enc"));
        foreach (var (tensor, wNines, wEnc) in cases)
        {
            var n = (int)b.Weights.Tensors.Single(t => t.Name == tensor).ElementCount;
            float[] Read(ITensorSource source)
            {
                var values = new float[n];
                source.ReadFloat32(tensor, values);
                return values;
            }
            var (xb, xn, xe, actual) = (Read(b.Weights), Read(nines.Weights), Read(enc.Weights), Read(merged.Weights));
            for (var i = 0; i < n; i++)
            {
                var expected = xb[i] + wNines * ((double)xn[i] - xb[i]) + wEnc * ((double)xe[i] - xb[i]);
                Assert.True(Math.Abs(actual[i] - expected) <= 1e-6 + 1e-6 * Math.Abs(expected), $"{tensor}[{i}]: merged {actual[i]}, hand {expected}");
            }
        }
    }
}
