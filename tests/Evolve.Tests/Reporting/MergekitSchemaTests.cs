using Evolve.Merging.Recipes;

namespace Evolve.Tests.Reporting;

/// <summary>
/// The shape check against mergekit's configuration model (mergekit/config.py: MergeConfiguration,
/// InputModelDefinition, InputSliceDefinition with a required layer_range, ConditionalParameter, ScalarOrGradient).
/// </summary>
public sealed class MergekitSchemaTests
{
    [Fact]
    public void Configurations_in_mergekits_own_shapes_pass()
    {
        Assert.Empty(MergekitSchema.Violations("""
            models:
              - model: psmathur/orca_mini_v3_13b
                parameters:
                  density: [1, 0.7, 0.1]
                  weight: 1.0
              - model: garage-bAInd/Platypus2-13B
                parameters:
                  density: 0.5
                  weight: [0, 0.3, 0.7, 1]
            merge_method: ties
            base_model: TheBloke/Llama-2-13B-fp16
            parameters:
              normalize: true
              int8_mask: true
            dtype: float16
            """));
        Assert.Empty(MergekitSchema.Violations("""
            slices:
              - sources:
                  - model: a
                    layer_range: [0, 32]
                  - model: b
                    layer_range: [0, 32]
            merge_method: slerp
            base_model: a
            parameters:
              t:
                - filter: self_attn
                  value: [0, 0.5, 0.3, 0.7, 1]
                - filter: mlp
                  value: [1, 0.5, 0.7, 0.3, 0]
                - value: 0.5
            tokenizer_source: base
            """));
    }

    [Theory]
    [InlineData("models:\n  - model: a\n", "merge_method: missing or not a string")]
    [InlineData("merge_method: linear\n", "(document): exactly one of models, slices or modules must be present (found 0)")]
    [InlineData("merge_method: linear\nmodels:\n  - model: a\nslices:\n  - sources:\n      - model: a\n        layer_range: [0, 1]\n",
        "(document): exactly one of models, slices or modules must be present (found 2)")]
    [InlineData("merge_method: linear\nmodels:\n  - a\n", "models[0]: must be a mapping with model (and parameters)")]
    [InlineData("merge_method: linear\nmodels:\n  - model: a\n    weight: 1\n", "models[0].weight: not a key mergekit accepts here (allowed: model, parameters)")]
    [InlineData("merge_method: linear\nmodel: a\nmodels:\n  - model: a\n", "model: not a key of mergekit's configuration")]
    [InlineData("merge_method: linear\ntokenizer_source: base\ntokenizer:\n  source: base\nmodels:\n  - model: a\n", "tokenizer: cannot be given together with tokenizer_source")]
    [InlineData("merge_method: passthrough\nslices:\n  - sources:\n      - model: a\n        layer_range: [0]\n", "slices[0].sources[0].layer_range: mergekit requires [start, end] with two integers")]
    [InlineData("merge_method: linear\nmodels:\n  - model: a\n    parameters:\n      weight: {filter: mlp}\n", "models[0].parameters.weight: must be a number")]
    [InlineData("merge_method: linear\nmodels:\n  - model: a\n    parameters:\n      weight: [0.5, mlp]\n", "models[0].parameters.weight: must be a number")]
    [InlineData("merge_method: linear\nmodels:\n  - model: a\n    parameters:\n      weight: {value: {value: 1}}\n", "models[0].parameters.weight: must be a number")]
    [InlineData("merge_method: linear\nmodels:\n  - model: a\nparameters: [1, 2]\n", "parameters: must be a mapping of parameter names to values")]
    public void Each_shape_mergekit_refuses_is_named(string yaml, string expected)
    {
        var violations = MergekitSchema.Violations(yaml);
        Assert.Single(violations);
        Assert.StartsWith(expected, violations[0]);
    }

    [Fact]
    public void What_RecipeYaml_writes_for_every_setting_kind_passes_and_round_trips_through_the_native_json()
    {
        var recipe = RecipeYaml.Parse("""
            merge_method: della
            base_model: base
            parameters:
              normalize: false
              epsilon: 0.05
            models:
              - model: a+lora
                parameters:
                  weight: [0.1, 0.9, 0.25]
                  density:
                    - filter: mlp
                      value: 0.7
                    - value: [0.3, 0.6]
              - model: b
                parameters:
                  weight: 1
                  density: 0.5
            dtype: bfloat16
            out_dtype: float16
            tokenizer_source: base
            """);
        var yaml = RecipeYaml.Write(recipe);
        Assert.Empty(MergekitSchema.Violations(yaml));
        var json = RecipeJson.Write(recipe);
        Assert.Equal(recipe, RecipeJson.Read(json, "recipe.json"));
        Assert.Equal(json, RecipeJson.Write(RecipeJson.Read(json, "recipe.json")));
        Assert.Contains("\"lora\": \"lora\"", json);
        Assert.Contains("\"gradient\": [", json);
        Assert.Contains("\"filtered\": [", json);
    }

    [Fact]
    public void Native_json_of_another_format_is_a_located_error()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeJson.Read("{\"merge_method\": \"linear\"}", "x/recipe.json"));
        Assert.Equal("x/recipe.json", e.Location);
        Assert.Contains("evolve-recipe/1", e.Message);
    }
}
