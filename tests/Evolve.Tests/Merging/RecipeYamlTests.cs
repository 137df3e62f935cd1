using Evolve.Merging.Recipes;

namespace Evolve.Tests.Merging;

/// <summary>mergekit YAML in and out: the reference's example recipes (§2.4), round trips, located errors.</summary>
public sealed class RecipeYamlTests
{
    public const string SlerpExample = """
        merge_method: slerp
        base_model: acme/chat-7b            # t=0 end of the interpolation
        slices:
          - sources:
              - model: acme/chat-7b
                layer_range: [0, 32]
              - model: acme/code-7b
                layer_range: [0, 32]
        parameters:
          t:
            - filter: self_attn
              value: [0.0, 0.4, 0.6, 0.4, 1.0]   # 5 anchors spread evenly over layers 0..31
            - filter: mlp
              value: [1.0, 0.6, 0.4, 0.6, 0.0]
            - value: 0.5                         # embeddings, norms, lm_head (these use t=0 → fallback)
        dtype: bfloat16
        """;

    public const string TiesExample = """
        merge_method: ties
        base_model: acme/base-7b
        models:
          - model: acme/math-7b
            parameters:
              weight: 0.6
              density: 0.4
          - model: acme/chat-7b
            parameters:
              weight: [0.2, 0.5, 0.8]     # gradient over layers
              density: 0.5
          - model: acme/code-7b
            parameters:
              weight:
                - filter: mlp
                  value: 0.4
                - value: 0.0
              density: 0.6
        parameters:
          normalize: true        # default for ties; divide by weights of sign-agreeing models
          int8_mask: true        # memory only
          lambda: 1.0
        dtype: float32           # compute in fp32 …
        out_dtype: bfloat16      # … save in bf16
        """;

    public const string DareTiesExample = """
        merge_method: dare_ties
        base_model: acme/base-7b
        models:
          - model: acme/math-7b
            parameters: {weight: 0.5, density: 0.3}
          - model: acme/chat-7b
            parameters: {weight: 0.5, density: 0.5}
        parameters:
          normalize: false       # default for dare_ties
          rescale: true          # default; L1-norm matching, not 1/density
          int8_mask: true
        tokenizer:
          source: base
        dtype: bfloat16
        """;

    [Fact]
    public void SlerpExampleParses()
    {
        var r = RecipeYaml.Parse(SlerpExample);
        Assert.Equal("slerp", r.MergeMethod);
        Assert.Equal(new ModelReference("acme/chat-7b"), r.BaseModel);
        Assert.Null(r.Models);
        var sources = r.Slices!.Single().Sources;
        Assert.Equal([new LayerRange(0, 32), new LayerRange(0, 32)], sources.Select(s => s.Range!.Value));
        var t = Assert.IsType<FilteredSetting>(r.Parameters.Get("t"));
        Assert.Equal("self_attn", t.Clauses[0].Filter);
        Assert.Equal(new GradientSetting(new([0.0, 0.4, 0.6, 0.4, 1.0])), t.Clauses[0].Value);
        Assert.Null(t.Clauses[2].Filter);
        Assert.Equal(new NumberSetting(0.5), t.Clauses[2].Value);
        Assert.Equal("bfloat16", r.DType);
    }

    [Fact]
    public void TiesExampleParses()
    {
        var r = RecipeYaml.Parse(TiesExample);
        Assert.Equal(3, r.Models!.Count);
        Assert.Equal(new NumberSetting(0.6), r.Models[0].Parameters.Get("weight"));
        Assert.Equal(new GradientSetting(new([0.2, 0.5, 0.8])), r.Models[1].Parameters.Get("weight"));
        var filtered = Assert.IsType<FilteredSetting>(r.Models[2].Parameters.Get("weight"));
        Assert.Equal(new FilterClause("mlp", new NumberSetting(0.4)), filtered.Clauses[0]);
        Assert.Equal(new BoolSetting(true), r.Parameters.Get("normalize"));
        Assert.Equal(("float32", "bfloat16"), (r.DType, r.OutDType));
    }

    [Fact]
    public void DareTiesExampleParsesWithTokenizerObject()
    {
        var r = RecipeYaml.Parse(DareTiesExample);
        Assert.Equal("base", r.TokenizerSource);
        Assert.Equal(new NumberSetting(0.3), r.Models![0].Parameters.Get("density"));
    }

    [Theory]
    [InlineData(SlerpExample)]
    [InlineData(TiesExample)]
    [InlineData(DareTiesExample)]
    [InlineData("""
        merge_method: passthrough
        slices:
          - sources:
              - model: a
                layer_range: [0, 2]
          - sources:
              - model: b+adapters/lora1
                layer_range: [1, 3]
                parameters:
                  scale:
                    - filter: o_proj
                      value: 0.5
                    - value: 1
        """)]
    public void WhatIsWrittenReadsBackEqual(string yaml)
    {
        var recipe = RecipeYaml.Parse(yaml);
        var written = RecipeYaml.Write(recipe);
        var again = RecipeYaml.Parse(written);
        Assert.Equal(recipe, again);
        Assert.Equal(written, RecipeYaml.Write(again));
    }

    [Fact]
    public void NumberListsAreWrittenInFlowStyle()
    {
        var written = RecipeYaml.Write(RecipeYaml.Parse(TiesExample));
        Assert.Contains("weight: [0.2, 0.5, 0.8]", written);
        Assert.Contains("- filter: mlp", written);
    }

    [Fact]
    public void LoraReferenceSplitsAtThePlus()
    {
        Assert.Equal(new ModelReference("models/base", "adapters/math"), ModelReference.Parse("models/base+adapters/math"));
        Assert.Equal("models/base+adapters/math", ModelReference.Parse("models/base+adapters/math").ToString());
    }

    [Theory]
    [InlineData("merge_method: tiess\nbase_model: b\nmodels:\n  - model: a\n", 1, "unknown merge_method 'tiess'")]
    [InlineData("merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters:\n      weight: 1\n      densty: 0.5\n", 7, "ties has no parameter 'densty'")]
    [InlineData("merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters:\n      weight: 1\n      density: 1.5\n", 7, "density = 1.5 is outside its valid range [0, 1]")]
    [InlineData("merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters:\n      weight: 1\n      density: [0.5, 1.2]\n", 7, "density = 1.2 is outside")]
    [InlineData("merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters:\n      normalize: true\n", 6, "'normalize' is a global parameter of ties")]
    [InlineData("merge_method: ties\nmodels:\n  - model: a\n", 1, "ties needs a base_model")]
    [InlineData("merge_method: slerp\nbase_model: a\nmodels:\n  - model: a\n  - model: b\n  - model: c\nparameters:\n  t: 0.5\n", 3, "slerp takes exactly 1 model(s) besides the base, this recipe gives 2")]
    [InlineData("merge_method: ties\nbase_model: b\nparameters:\n  normalize: maybe\nmodels:\n  - model: a\n", 4, "normalize must be true or false, not 'maybe'")]
    [InlineData("merge_method: karcher\nmodels:\n  - model: a\nparameters:\n  max_iter: 2.5\n", 5, "max_iter must be an integer")]
    [InlineData("merge_method: ties\nbase_model: b\nmodels:\n  - model: a\nmodules: {}\n", 5, "unknown key 'modules'")]
    [InlineData("merge_method: ties\nbase_model: b\nmodels:\n  - model: a\ntokenizer_source: union\n", 5, "tokenizer_source 'union' is not supported")]
    [InlineData("merge_method: linear\nmodels:\n  - model: a\ndtype: int8\n", 4, "dtype 'int8' is not supported")]
    [InlineData("merge_method: linear\nmodels:\n  - model: a\ntokenizer:\n  source: base\n  pad_to_multiple_of: 8\n", 6, "tokenizer.pad_to_multiple_of is not supported")]
    [InlineData("merge_method: linear\nmodels:\n  - model: a\nchat_template: chatml\n", 4, "chat_template is not supported")]
    [InlineData("merge_method: passthrough\nslices:\n  - sources:\n      - model: a\n        layer_range: [4, 2]\n", 5, "layer_range [4, 2] is empty")]
    [InlineData("merge_method: linear\nslices:\n  - sources:\n      - model: a\n        layer_range: [0, 4]\n      - model: b\n        layer_range: [0, 3]\n", 3, "cover different numbers of layers")]
    [InlineData("merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters:\n      weight: [1, {x: 2}]\n", 6, "a parameter value must be")]
    public void BadRecipesFailWithTheirFileAndLine(string yaml, int line, string message)
    {
        var e = Assert.Throws<RecipeException>(() => RecipeYaml.Parse(yaml, "recipe.yaml"));
        Assert.Contains(message, e.Message);
        Assert.StartsWith($"recipe.yaml:{line}", e.Location);
        Assert.IsAssignableFrom<Evolve.Errors.EvolveInputException>(e);
    }

    [Fact]
    public void AnUnclosedFlowListIsARecipeErrorNotACrash()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeYaml.Parse("models: [3\nmerge_method: linear\n", "recipe.yaml"));
        Assert.Equal("recipe.yaml", e.Location);
        Assert.StartsWith("not valid YAML", e.Problem);
    }

    [Fact]
    public void GradientsInterpolateAsMergekitDoes()
    {
        // [0, .5, .3, .7, 1] over 40 layers (§2.3): layer 1 → 0.0513, layer 10 → 0.4949, layer 19 → 0.3103, layer 39 → 1.
        double At(int layer) => ParameterResolution.Interpolate([0, 0.5, 0.3, 0.7, 1], ParameterResolution.LayerPosition(layer, 40));
        Assert.Equal(0, At(0), 10);
        Assert.Equal(0.0513, At(1), 4);
        Assert.Equal(0.4949, At(10), 4);
        Assert.Equal(0.3103, At(19), 4);
        Assert.Equal(1, At(39), 10);
        Assert.Equal(1, ParameterResolution.LayerPosition(0, 1));
    }

    [Fact]
    public void FilterListsTakeTheFirstSubstringMatchAndFallThroughWhenNoneMatches()
    {
        var setting = new FilteredSetting(new([new FilterClause("self_attn", new NumberSetting(1)), new FilterClause("mlp", new GradientSetting(new([0, 1])))]));
        Assert.Equal(1, ParameterResolution.Evaluate(setting, "model.layers.3.self_attn.q_proj.weight", 0.5));
        Assert.Equal(0.25, ParameterResolution.Evaluate(setting, "model.layers.3.mlp.up_proj.weight", 0.25));
        Assert.Null(ParameterResolution.Evaluate(setting, "lm_head.weight", 0));
        var choice = new ChoiceSetting(new([new BoolSetting(false), new BoolSetting(true)]));
        Assert.Equal(0, ParameterResolution.Evaluate(choice, "x", 0.99));
        Assert.Equal(1, ParameterResolution.Evaluate(choice, "x", 1));
    }
}
