using Evolve.Merging.Execution;
using Evolve.Merging.Planning;
using Evolve.Merging.Recipes;
using static Evolve.Tests.Merging.MethodHarness;

namespace Evolve.Tests.Merging;

/// <summary>Parameter resolution per output tensor (§2.3), slices, model-dependent recipe errors, and merged values.</summary>
public sealed class PlannerTests
{
    private static ModelSet Models(int layers = 4, params (string Name, int Model)[] models) =>
        ModelSet.Borrow(models.Select(m => (new ModelReference(m.Name), (Evolve.Checkpoints.ITensorSource)MemorySource.Tiny(m.Model, layers))));

    private static ModelSet Abc(int layers = 4) => Models(layers, ("base", 0), ("a", 1), ("b", 2), ("c", 3));

    private static PlannedTensor Tensor(MergePlan plan, string name) => plan.Tensors.Single(t => t.Name == name);

    [Fact]
    public void SlerpGradientsFollowFiltersAndLayerPositions()
    {
        var yaml = RecipeYamlTests.SlerpExample.Replace("acme/chat-7b", "base").Replace("acme/code-7b", "a").Replace("[0, 32]", "[0, 4]");
        using var models = Abc();
        var plan = MergePlanner.Plan(RecipeYaml.Parse(yaml), models);
        double T(string name) => Tensor(plan, name).Parameters.Global("t");
        Assert.Equal(0.4 + 0.2 / 3, T("model.layers.1.self_attn.q_proj.weight"), 12);   // t = 1/3 on [0, .4, .6, .4, 1]
        Assert.Equal(0.4 + 0.2 * 2 / 3, T("model.layers.2.mlp.up_proj.weight"), 12);   // t = 2/3 on [1, .6, .4, .6, 0]
        Assert.Equal(1.0, T("model.layers.3.self_attn.o_proj.weight"), 12);
        Assert.Equal(0.5, T("model.layers.0.input_layernorm.weight"));
        Assert.Equal(0.5, T("lm_head.weight"));
        Assert.Equal(0.5, T("model.embed_tokens.weight"));
        Assert.Equal(4 * 4 + 3, plan.Tensors.Count);
        Assert.Equal(4, plan.OutputLayers);

        using var weights = new WeightSet();
        new MergeExecutor().MergeInto(plan, weights);
        using var snapshot = weights.Acquire();
        const string name = "model.layers.1.self_attn.q_proj.weight";
        var expected = Run("slerp", TinyModels.Values(0, name, 16), [TinyModels.Values(1, name, 16)], new() { ["t"] = [0.4 + 0.2 / 3] }, shape: [4, 4]);
        Assert.Equal(expected, snapshot.Get(name).ToArray());
    }

    [Fact]
    public void PerModelGradientsAndFiltersResolveAgainstEachTensor()
    {
        var yaml = RecipeYamlTests.TiesExample.Replace("acme/base-7b", "base").Replace("acme/math-7b", "a").Replace("acme/chat-7b", "b").Replace("acme/code-7b", "c");
        using var models = Abc();
        var plan = MergePlanner.Plan(RecipeYaml.Parse(yaml), models);
        double[] Weights(string name) => Tensor(plan, name).Parameters.PerModel("weight").ToArray();
        Assert.Equal([0.6, 0.8, 0.0], Weights("model.layers.3.self_attn.q_proj.weight"));
        // layer 1 of 4: t = 1/3, so [0.2, 0.5, 0.8] gives 0.2 + (2/3)·0.3 = 0.4; code-7b's mlp filter gives 0.4.
        Assert.Equal([0.6, 0.4, 0.4], Weights("model.layers.1.mlp.up_proj.weight").Select(w => Math.Round(w, 12)).ToArray());
        Assert.Equal([0.6, 0.2, 0.0], Weights("lm_head.weight"));   // final weights take t = 0: the first anchor
        Assert.Equal([0.4, 0.5, 0.6], Tensor(plan, "lm_head.weight").Parameters.PerModel("density").ToArray());
        Assert.Equal(1.0, Tensor(plan, "lm_head.weight").Parameters.Global("normalize"));
        Assert.Equal(Evolve.Checkpoints.DType.BF16, Tensor(plan, "lm_head.weight").OutputDType);
    }

    [Fact]
    public void SourceSettingsOverrideSliceSettingsWhichOverrideTopLevel()
    {
        const string yaml = """
            merge_method: task_arithmetic
            base_model: base
            slices:
              - sources:
                  - model: a
                    layer_range: [0, 4]
                    parameters: {weight: 0.9}
                  - model: b
                    layer_range: [0, 4]
                  - model: base
                    layer_range: [0, 4]
                parameters:
                  weight: [{filter: mlp, value: 0.3}]
            parameters:
              weight: 0.1
              lambda: 0.5
            """;
        using var models = Abc();
        var plan = MergePlanner.Plan(RecipeYaml.Parse(yaml), models);
        Assert.Equal([0.9, 0.3], Tensor(plan, "model.layers.0.mlp.up_proj.weight").Parameters.PerModel("weight").ToArray());
        Assert.Equal([0.9, 0.1], Tensor(plan, "model.layers.0.self_attn.q_proj.weight").Parameters.PerModel("weight").ToArray());
        Assert.Equal(0.5, Tensor(plan, "model.norm.weight").Parameters.Global("lambda"));
    }

    [Fact]
    public void FrankenmergeSlicesRenumberLayers()
    {
        const string yaml = """
            merge_method: passthrough
            slices:
              - sources:
                  - model: a
                    layer_range: [0, 2]
              - sources:
                  - model: b
                    layer_range: [1, 3]
                    parameters:
                      scale: [{filter: o_proj, value: 0.5}, {value: 1}]
            """;
        using var models = Abc();
        var plan = MergePlanner.Plan(RecipeYaml.Parse(yaml), models);
        Assert.Equal(4, plan.OutputLayers);
        var layer2 = Tensor(plan, "model.layers.2.mlp.up_proj.weight");
        Assert.Equal(new TensorInput(models.IndexOf(new("b")), "model.layers.1.mlp.up_proj.weight"), layer2.Inputs.Single());
        using var weights = new WeightSet();
        new MergeExecutor().MergeInto(plan, weights);
        using var s = weights.Acquire();
        Assert.Equal(TinyModels.Values(2, "model.layers.2.mlp.up_proj.weight", 32), s.Get("model.layers.3.mlp.up_proj.weight").ToArray());
        Assert.Equal(TinyModels.Values(2, "model.layers.1.self_attn.o_proj.weight", 16).Select(v => v * 0.5f), s.Get("model.layers.2.self_attn.o_proj.weight").ToArray());
        Assert.Equal(TinyModels.Values(1, "model.embed_tokens.weight", 24), s.Get("model.embed_tokens.weight").ToArray());
        Assert.Equal(TinyModels.Values(2, "lm_head.weight", 24), s.Get("lm_head.weight").ToArray());
    }

    [Fact]
    public void LayerRangeBeyondTheModelIsALocatedError()
    {
        const string yaml = "merge_method: passthrough\nslices:\n  - sources:\n      - model: a\n        layer_range: [2, 6]\n";
        using var models = Abc();
        var e = Assert.Throws<RecipeException>(() => MergePlanner.Plan(RecipeYaml.Parse(yaml, "r.yaml"), models));
        Assert.Equal("r.yaml:5", e.Location);
        Assert.Contains("goes beyond model a, which has 4 layers", e.Message);
    }

    [Fact]
    public void DifferingShapesNameTheFirstDifferingTensor()
    {
        using var models = ModelSet.Borrow([(new ModelReference("base"), MemorySource.Tiny(0, 2)), (new ModelReference("a"), MemorySource.Tiny(1, 2, vocab: 7))]);
        var recipe = RecipeYaml.Parse("merge_method: task_arithmetic\nbase_model: base\nmodels:\n  - model: a\n    parameters: {weight: 1}\n");
        var e = Assert.Throws<RecipeException>(() => MergePlanner.Plan(recipe, models));
        Assert.Contains("tensor model.embed_tokens.weight has shape [7, 4] but base has [6, 4]", e.Message);
    }

    [Fact]
    public void MissingRequiredParameterNamesTheModel()
    {
        using var models = Abc();
        var recipe = RecipeYaml.Parse("merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1}\n  - model: b\n", "r.yaml");
        var e = Assert.Throws<RecipeException>(() => MergePlanner.Plan(recipe, models));
        Assert.Contains("linear needs 'weight' for model b", e.Message);
    }

    [Fact]
    public void LinearMergesAnUnlistedBaseWhenAGlobalWeightCoversIt()
    {
        using var models = Abc(2);
        var plan = MergePlanner.Plan(RecipeYaml.Parse("merge_method: linear\nbase_model: base\nmodels:\n  - model: a\nparameters:\n  weight: 1\n"), models);
        var t = Tensor(plan, "model.norm.weight");
        Assert.Null(t.Base);
        Assert.Equal(["a", "base"], t.Inputs.Select(i => models.Models[i.Model].Path));
        using var weights = new WeightSet();
        new MergeExecutor().MergeInto(plan, weights);
        using var s = weights.Acquire();
        var expected = TinyModels.Values(1, "model.norm.weight", 4).Zip(TinyModels.Values(0, "model.norm.weight", 4), (x, y) => (x + y) / 2);
        Assert.Equal(expected, s.Get("model.norm.weight").ToArray());
    }
}
