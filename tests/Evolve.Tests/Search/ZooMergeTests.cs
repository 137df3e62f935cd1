using System.Globalization;
using System.Text.Json;
using Evolve.Demo;
using Evolve.Onnx;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Tasks;
using Evolve.Search.Evaluation;

namespace Evolve.Tests.Search;

/// <summary>
/// Merges of the zoo built by Evolve's merge engine from mergekit recipes and scored in memory agree with the
/// torch merges the zoo builder made of the same recipes (zoo/merge-results.json), and behave as the zoo says: a
/// TIES merge of the specialists scores above their plain average on the mean over skills.
/// </summary>
public class ZooMergeTests
{
    private static readonly string[] Specialists = ["nines", "enc", "spell"];

    private sealed record ReferenceMerge(string Label, string Kind, JsonElement Params, Dictionary<string, double> Exact)
    {
        public double MeanOverSkills => Exact.Values.Average();
    }

    private static List<ReferenceMerge> ReadReference()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Zoo, "merge-results.json")));
        return json.RootElement.GetProperty("rows").EnumerateArray()
            .Select(r => new ReferenceMerge(r.GetProperty("label").GetString()!, r.GetProperty("kind").GetString()!, r.GetProperty("params").Clone(),
                r.GetProperty("search").EnumerateObject().ToDictionary(t => t.Name, t => t.Value.GetProperty("exact").GetDouble())))
            .ToList();
    }

    /// <summary>The zoo builder's merge as a mergekit recipe (specialists in the builder's order).</summary>
    private static string Recipe(ReferenceMerge merge, string folder)
    {
        string Model(string name) => Path.Combine(RepoPaths.Zoo, name);
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var p = merge.Params;
        var text = merge.Kind switch
        {
            "linear" => "merge_method: linear\nmodels:\n" + string.Concat(Specialists.Select((s, i) =>
                $"  - {{model: {Model(s)}, parameters: {{weight: {F(p.GetProperty("weights")[i].GetDouble())}}}}}\n")),
            "task_arithmetic" => $"merge_method: task_arithmetic\nbase_model: {Model("base")}\nparameters: {{lambda: {F(p.GetProperty("lambda").GetDouble())}}}\nmodels:\n"
                + string.Concat(Specialists.Select(s => $"  - {{model: {Model(s)}, parameters: {{weight: 1.0}}}}\n")),
            "ties" => $"merge_method: ties\nbase_model: {Model("base")}\nparameters: {{normalize: {(p.GetProperty("normalize").GetBoolean() ? "true" : "false")}}}\nmodels:\n"
                + string.Concat(Specialists.Select(s => $"  - {{model: {Model(s)}, parameters: {{weight: {F(p.GetProperty("weight").GetDouble())}, density: {F(p.GetProperty("density").GetDouble())}}}}}\n")),
            _ => throw new ArgumentException(merge.Kind),
        };
        var path = Path.Combine(folder, $"{merge.Label.Replace(' ', '_').Replace('=', '-')}.yaml");
        File.WriteAllText(path, text + "dtype: float32\n");
        return path;
    }

    [Fact]
    public void Merges_match_the_torch_reference_and_ties_beats_the_plain_average()
    {
        var reference = ReadReference();
        var average = reference.Single(r => r.Kind == "linear");
        var bestTies = reference.Where(r => r.Kind == "ties").MaxBy(r => r.MeanOverSkills)!;
        var taHalf = reference.Single(r => r.Kind == "task_arithmetic" && r.Params.GetProperty("lambda").GetDouble() == 0.5);
        Assert.True(bestTies.MeanOverSkills > average.MeanOverSkills, "the zoo's own table must show a TIES merge above the plain average");

        var zoo = new ZooLayout(RepoPaths.Root);
        var folder = RepoPaths.NewTempDir("zoo-merges");
        var merges = new[] { average, taHalf, bestTies };
        var request = new ModelScoringRequest(merges.Select(m => Recipe(m, folder)).ToArray(), zoo.BaseModel, zoo.Onnx,
            ProxyDeclaration.ForFiles(zoo.SearchProxySets), new ScoringOptions(BatchSize: 32), ScoringStrategy.WeightsAsInputs, OrtSessionSettings.Default);
        var results = ModelScoring.Run(request);

        for (var m = 0; m < merges.Length; m++)
            foreach (var task in results[m].Tasks)
            {
                // Same recipe, same float32 arithmetic up to summation order: at most two items of 100 may flip.
                var expected = merges[m].Exact[task.Task];
                Assert.True(Math.Abs(task.Score.Estimate - expected) <= 0.02 + 1e-9,
                    $"{merges[m].Label} on {task.Task}: Evolve {task.Score.Estimate}, torch {expected}");
            }
        double Mean(ModelScores s) => s.Tasks.Average(t => t.Score.Estimate);
        Assert.True(Mean(results[2]) > Mean(results[0]), $"{bestTies.Label}: {Mean(results[2])} vs plain average {Mean(results[0])}");
    }
}
