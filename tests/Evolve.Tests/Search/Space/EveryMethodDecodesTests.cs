using System.Globalization;
using Evolve.Merging.Methods;
using Evolve.Merging.Parameters;
using Evolve.Merging.Planning;
using Evolve.Merging.Recipes;
using Evolve.Search.Space;

namespace Evolve.Tests.Search.Space;

/// <summary>
/// A space that loads decodes every genome into a recipe the merge planner accepts, for every method that merges two
/// models and has a numeric parameter to evolve (model_stock has only a switch).
/// </summary>
public sealed class EveryMethodDecodesTests
{
    public static TheoryData<string> TwoModelMethods() =>
        new(MergeMethodRegistry.All.Where(m => m.Inputs.Contains(2) && m.Parameters.Any(p => p.Kind != ParameterKind.Boolean)).Select(m => m.Name));

    [Theory]
    [MemberData(nameof(TwoModelMethods))]
    public void Random_genomes_of_a_space_evolving_every_numeric_parameter_plan(string name)
    {
        var method = MergeMethodRegistry.Get(name);
        var numeric = method.Parameters.Where(p => p.Kind != ParameterKind.Boolean).ToList();
        var genes = string.Concat(numeric.Select(p => $"  {p.Name}:\n    layers_per_gene: 2\n    filters: [mlp]\n"));
        var space = SearchSpace.Load(SpaceFiles.TwoModels(t => t.Replace("methods: [task_arithmetic, ties]", $"methods: [{name}]").Replace("fixed:\n  normalize: false\n", ""), genes));
        Assert.Equal(numeric.Count * 2 * (1 + 2 * 2) - (numeric.Count(p => p.Scope == ParameterScope.Global) * 5), space.Genome.Count);

        var decoder = new RecipeDecoder(space);
        using var locator = new ModelLocator(null);
        using var models = ModelSet.Open(new[] { "base", "nines", "enc" }.Select(m => new ModelReference(SpaceFiles.Zoo(m))), locator.Open);
        var random = new Random(17);
        for (var draw = 0; draw < 3; draw++)
        {
            var unit = Enumerable.Range(0, space.Genome.Count).Select(_ => random.NextDouble()).ToArray();
            var text = decoder.RecipeText(space.Genome.Decode(unit));
            var recipe = RecipeYaml.Parse(text);
            var plan = MergePlanner.Plan(recipe, models);
            Assert.Equal(models[0].Tensors.Count, plan.Tensors.Count);
            // Every evolved parameter's resolved value lies inside its gene bounds.
            foreach (var tensor in plan.Tensors)
                for (var p = 0; p < numeric.Count; p++)
                {
                    var index = method.Parameters.ToList().IndexOf(numeric[p]);
                    var bounds = space.Declarations.Single(d => d.Parameter == numeric[p].Name).Bounds;
                    foreach (var v in tensor.Parameters.ValuesAt(index).ToArray())
                        Assert.True(v >= bounds.Min && v <= bounds.Max, string.Create(CultureInfo.InvariantCulture, $"{name} {numeric[p].Name} = {v} on {tensor.Name}"));
                }
        }
    }
}
