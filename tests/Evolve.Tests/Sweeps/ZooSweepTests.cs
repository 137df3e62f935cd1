using System.Text.Json;
using Evolve.Demo;
using Evolve.Merging.Recipes;
using Evolve.Onnx;
using Evolve.Proxy.Scoring;
using Evolve.Search.Evaluation;
using Evolve.Sweeps;
using Evolve.Tests.Onnx;

namespace Evolve.Tests.Sweeps;

/// <summary>
/// A slerp sweep between two zoo specialists on 10 items per task: every grid point scores exactly as `evolve score`
/// scores the recipe the sweep wrote for it, and the ends of the slerp score exactly as the two models themselves.
/// </summary>
public class ZooSweepTests
{
    [ZooFact]
    public void Grid_points_score_as_evolve_score_scores_their_recipes_and_the_ends_as_the_models()
    {
        var zoo = new ZooLayout(RepoPaths.Root);
        var folder = RepoPaths.NewTempDir("zoo-sweep");
        var proxy = ZooProxySubset.Create(folder, 10);
        string nines = Path.Combine(zoo.ZooFolder, "nines"), enc = Path.Combine(zoo.ZooFolder, "enc");
        var output = Path.Combine(folder, "sweep");
        var result = Sweep.Run(new SweepRequest(zoo.BaseModel, [nines, enc], zoo.Onnx, proxy, Seed: 3, DType: "float32",
            Grid: [1, 0, 0.5], OutputFolder: output, Resamples: 200));

        var points = result.Analysis.Points;
        Assert.Equal([0, 0.5, 1], points.Select(p => p.X));
        var scored = ModelScoring.Run(new ModelScoringRequest([.. points.Select(p => Path.Combine(output, p.Recipe)), nines, enc], zoo.BaseModel, zoo.Onnx,
            proxy, new ScoringOptions(Seed: 3), ScoringStrategy.WeightsAsInputs, OrtSessionSettings.Default));
        static double[] Items(IReadOnlyList<TaskScore> tasks) => tasks.SelectMany(t => t.Items.Select(i => i.Score)).ToArray();
        for (var i = 0; i < points.Count; i++)
        {
            Assert.Equal(Items(scored[i].Tasks), Items(points[i].Tasks));
            Assert.Equal(scored[i].Fitness, points[i].Fitness);
        }
        Assert.Equal(Items(scored[3].Tasks), Items(points[0].Tasks));
        Assert.Equal(Items(scored[4].Tasks), Items(points[2].Tasks));
        Assert.Equal(40, points[0].Fitness.Count);

        var best = RecipeYaml.Load(result.BestRecipePath);
        Assert.Equal(SweepDesign.Create(zoo.BaseModel, [nines, enc], null, null).At(result.Analysis.Chosen) with { DType = "float32" }, best with { Source = SourceMap.None });
        Assert.Equal(ModelScoring.Run(new ModelScoringRequest([result.BestRecipePath], zoo.BaseModel, zoo.Onnx, proxy, new ScoringOptions(Seed: 3),
            ScoringStrategy.WeightsAsInputs, OrtSessionSettings.Default))[0].Fitness, result.ChosenFitness);

        using var json = JsonDocument.Parse(File.ReadAllText(result.JsonPath));
        var root = json.RootElement;
        Assert.Equal(SweepJson.Schema, root.GetProperty("schema").GetString());
        Assert.Equal("slerp", root.GetProperty("method").GetString());
        Assert.Equal([0, 0.5, 1], root.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("x").GetDouble()));
        Assert.Equal(points.Select(p => p.Fitness.Estimate), root.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("fitness").GetProperty("estimate").GetDouble()));
        Assert.Equal(result.Analysis.Chosen, root.GetProperty("chosen").GetProperty("x").GetDouble());
        Assert.Equal(result.Analysis.Fit.C2, root.GetProperty("fit").GetProperty("c2").GetDouble());
        Assert.Equal(SweepJson.CurveSamples, root.GetProperty("curve").GetArrayLength());
        Assert.Equal(result.Analysis.Flags.Select(SweepJson.Name), root.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
    }
}
