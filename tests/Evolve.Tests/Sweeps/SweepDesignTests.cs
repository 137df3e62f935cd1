using Evolve.Merging.Recipes;
using Evolve.Sweeps;

namespace Evolve.Tests.Sweeps;

/// <summary>The recipe a sweep scores at a grid value, written as mergekit YAML.</summary>
public class SweepDesignTests
{
    private static string Yaml(string? method, string? parameter, double x, params string[] models) =>
        RecipeYaml.Write(SweepDesign.Create("/m/base", models, method, parameter).At(x));

    [Fact]
    public void Two_models_default_to_slerp_over_t_with_the_first_as_its_base() =>
        Assert.Equal("""
            merge_method: slerp
            base_model: /m/a
            parameters:
              t: 0.3
            models:
            - model: /m/b

            """.ReplaceLineEndings("\n"), Yaml(null, null, 0.3, "/m/a", "/m/b"));

    [Fact]
    public void Linear_t_interpolates_the_weights() =>
        Assert.Equal("""
            merge_method: linear
            models:
            - model: /m/a
              parameters:
                weight: 0.75
            - model: /m/b
              parameters:
                weight: 0.25

            """.ReplaceLineEndings("\n"), Yaml("linear", null, 0.25, "/m/a", "/m/b"));

    [Fact]
    public void Many_models_default_to_task_arithmetic_with_a_shared_weight() =>
        Assert.Equal("""
            merge_method: task_arithmetic
            base_model: /m/base
            models:
            - model: /m/a
              parameters:
                weight: 0.6
            - model: /m/b
              parameters:
                weight: 0.6
            - model: /m/c
              parameters:
                weight: 0.6

            """.ReplaceLineEndings("\n"), Yaml(null, null, 0.6, "/m/a", "/m/b", "/m/c"));

    [Fact]
    public void A_shared_weight_turns_off_normalize_so_it_does_not_divide_out()
    {
        var recipe = SweepDesign.Create("/m/base", ["/m/a", "/m/b", "/m/c"], "ties", "weight").At(1.5);
        Assert.Equal(new BoolSetting(false), recipe.Parameters.Get("normalize"));
        Assert.All(recipe.Models!, m => Assert.Equal(new NumberSetting(1.5), m.Parameters.Get("weight")));
    }

    [Fact]
    public void One_model_s_density_moves_alone_and_the_required_weights_are_one()
    {
        var recipe = SweepDesign.Create("/m/base", ["/m/a", "/m/nines", "/m/c"], "ties", "density:nines").At(0.4);
        Assert.Null(recipe.Parameters.Get("normalize"));
        Assert.Equal([null, new NumberSetting(0.4), null], recipe.Models!.Select(m => m.Parameters.Get("density")));
        Assert.All(recipe.Models!, m => Assert.Equal(new NumberSetting(1), m.Parameters.Get("weight")));
    }

    [Fact]
    public void A_global_parameter_is_set_at_the_top() =>
        Assert.Equal(new NumberSetting(0.8), SweepDesign.Create("/m/base", ["/m/a", "/m/b"], "task_arithmetic", "lambda").At(0.8).Parameters.Get("lambda"));

    [Fact]
    public void A_grid_outside_the_parameter_s_valid_range_is_refused_before_anything_is_written()
    {
        var design = SweepDesign.Create("/m/base", ["/m/a", "/m/b"], "slerp", "t");
        var e = Assert.Throws<SweepException>(() => design.Recipes([0, 0.5, 1, 1.5]));
        Assert.Equal("option --grid: t = 1.5 is outside slerp's valid range [0, 1]. keep the grid inside it", e.Message);
        // Weights may exceed 1 (Sakana's evolved weights summed to about 2) and go negative.
        Assert.Equal(4, SweepDesign.Create("/m/base", ["/m/a", "/m/b", "/m/c"], null, null).Recipes([-0.5, 0, 1, 2]).Count);
    }

    [Theory]
    [InlineData("slerp", "t", 3, "option --models: slerp with t interpolates two models; 3 are selected")]
    [InlineData("ties", "alpha", 3, "option --param: ties has no numeric parameter 'alpha'")]
    [InlineData("ties", "normalize", 3, "option --param: ties has no numeric parameter 'normalize'")]
    [InlineData("task_arithmetic", "lambda:a", 3, "option --param: lambda is one value for the whole merge, not per model")]
    [InlineData("ties", "density:zeta", 3, "option --param: 'zeta' is not one of the merged models")]
    [InlineData("merge_sort", null, 3, "option --method: unknown merge method 'merge_sort'")]
    public void Sweeps_that_cannot_be_built_say_why(string method, string? parameter, int models, string message)
    {
        var names = new[] { "/m/a", "/m/b", "/m/c" }[..models];
        var e = Assert.Throws<SweepException>(() => SweepDesign.Create("/m/base", names, method, parameter));
        Assert.StartsWith(message, e.Message);
    }
}
