using System.Text.Json;
using Evolve.Demo;
using Evolve.Onnx;
using Evolve.Proxy;
using Evolve.Search.Evaluation;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Tasks;

namespace Evolve.Tests.Proxy;

/// <summary>
/// The zoo scored by Evolve (C# tokenizer, weight binding of each fine-tune onto the base's ONNX graph, ONNX Runtime,
/// batched greedy generation) against the Python/torch reference run that built the zoo (zoo/reference-scores.json:
/// batch 1, float32 from the weights as saved). Exact match must be identical item by item, answer log-likelihood
/// within 1e-4.
/// </summary>
public class ZooScoreParityTests
{
    private sealed record Reference(string Model, string Id, bool Exact, double LogLikelihood, string Generated);

    /// <summary>Every reference item, and each task's generation limit as the reference run used it.</summary>
    private static (List<Reference> Items, Dictionary<string, TaskSettings> Tasks) ReadReference()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Zoo, "reference-scores.json")));
        var references = new List<Reference>();
        var tasks = new Dictionary<string, TaskSettings>();
        foreach (var model in json.RootElement.GetProperty("models").EnumerateObject())
            foreach (var file in model.Value.GetProperty("files").EnumerateObject())
            {
                tasks[file.Value.GetProperty("task").GetString()!] = new TaskSettings { MaxNewTokens = file.Value.GetProperty("max_new_tokens").GetInt32() };
                foreach (var item in file.Value.GetProperty("items").EnumerateObject())
                    references.Add(new Reference(model.Name, item.Name, item.Value.GetProperty("exact").GetInt32() == 1,
                        item.Value.GetProperty("loglik").GetDouble(), item.Value.GetProperty("generated").GetString()!));
            }
        return (references, tasks);
    }

    [Fact]
    public void Every_zoo_model_scores_as_the_torch_reference_on_every_item()
    {
        var zoo = new ZooLayout(RepoPaths.Root);
        var (references, tasks) = ReadReference();
        var files = zoo.SearchProxySets.Concat(zoo.HeldOutProxySets).ToArray();
        var proxy = ProxyDeclaration.ForFiles(files) with { Tasks = tasks };
        var request = new ModelScoringRequest(zoo.Models, zoo.BaseModel, zoo.Onnx, proxy,
            new ScoringOptions(BatchSize: 32), ScoringStrategy.WeightsAsInputs, OrtSessionSettings.Default);
        var results = ModelScoring.Run(request);

        Assert.Equal(4, results.Count);
        var compared = 0;
        foreach (var model in results)
        {
            var name = "zoo/" + Path.GetFileName(model.Model);
            var ours = model.Tasks.SelectMany(t => t.Items).ToDictionary(i => i.Id);
            foreach (var reference in references.Where(r => r.Model == name))
            {
                var item = ours[reference.Id];
                Assert.True(reference.Exact == (item.Score == 1), $"{name} {reference.Id}: exact {item.Score}, torch {reference.Exact}");
                Assert.True(reference.Generated == item.Generated, $"{name} {reference.Id}: generated '{item.Generated}', torch '{reference.Generated}'");
                Assert.True(Math.Abs(reference.LogLikelihood - item.LogLikelihood) <= 1e-4,
                    $"{name} {reference.Id}: log-likelihood {item.LogLikelihood}, torch {reference.LogLikelihood}");
                compared++;
            }
        }
        Assert.Equal(4 * files.Length * 100, compared);
    }
}
