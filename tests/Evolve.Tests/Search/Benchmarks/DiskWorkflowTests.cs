using Evolve.Onnx;
using Evolve.Proxy.Scoring;
using Evolve.Search;
using Evolve.Search.Benchmarks;
using Evolve.Search.Evaluation;
using Evolve.Search.Optimizers;
using Evolve.Search.Space;
using Evolve.Search.Store;

namespace Evolve.Tests.Search.Benchmarks;

/// <summary>
/// `evolve bench search` compares two ways of evaluating the same candidate; the comparison only means something if
/// both score alike: the disk workflow (merge written as an HF folder, loaded, scored by ordinary model scoring) and
/// the search's incremental in-memory evaluator give bit-identical per-item scores on genomes of the zoo's space.
/// </summary>
public class DiskWorkflowTests
{
    private const int ItemsPerTask = 8;

    /// <summary>The zoo space's genes and methods over slices of its proxy files (answer log-likelihood: continuous scores).</summary>
    internal static string WriteSpace(string folder)
    {
        string Slice(string from, string name)
        {
            var target = Path.Combine(folder, name);
            File.WriteAllLines(target, File.ReadLines(from).Take(ItemsPerTask));
            return target;
        }
        var tasks = new[] { "enc", "nines", "spell", "upper" };
        var search = tasks.Select(t => Slice(Path.Combine(RepoPaths.ProxySets, "zoo", $"{t}.jsonl"), $"{t}.jsonl"));
        string Model(string name) => Path.Combine(RepoPaths.Zoo, name);
        var path = Path.Combine(folder, "space.yaml");
        File.WriteAllText(path, $"""
            base: {Model("base")}
            models: [{Model("nines")}, {Model("enc")}, {Model("spell")}]
            onnx: {Path.Combine(RepoPaths.Zoo, "onnx", "base.onnx")}
            seed: 3
            dtype: float32
            proxy:
              files: [{string.Join(", ", search)}]
              defaults: {"{"}metric: log_likelihood{"}"}
            methods: [ties, dare_ties, task_arithmetic]
            fixed:
              normalize: false
            genes:
              weight:
                layers_per_gene: 2
                filters: [self_attn, mlp]
              density:
                layers_per_gene: 4

            """);
        return path;
    }

    [Fact]
    public async Task The_disk_workflow_and_the_in_memory_evaluator_score_every_item_identically()
    {
        var folder = RepoPaths.NewTempDir("disk-workflow");
        var space = SearchSpace.Load(WriteSpace(folder));
        var scoring = new ScoringOptions() with { Seed = space.Seed };
        using var evaluator = RecipeEvaluator.Create(new RecipeEvaluatorSettings
        {
            BaseModel = space.BaseModel, Onnx = space.Onnx, Proxy = space.Proxy, Seed = space.Seed, Scoring = scoring, Racing = null,
            Session = OrtSessionSettings.Default with { IntraOpThreads = 1 },
        });
        var request = new ModelScoringRequest([], space.BaseModel, space.Onnx, space.Proxy, scoring, ScoringStrategy.WeightsAsInputs,
            OrtSessionSettings.Default with { IntraOpThreads = 1 });
        // One candidate per method, in the order random search draws them: dare_ties checks that both ways draw the same masks.
        var optimizer = new RandomSearch(space.Genome, space.Seed);
        var decoder = new RecipeDecoder(space);
        var fitnesses = new List<double>();
        foreach (var method in new[] { "ties", "dare_ties", "task_arithmetic" })
        {
            var candidate = Enumerable.Range(0, 100).Select(_ => optimizer.Ask()).First(c => decoder.MethodOf(c.Genome).Name == method);
            var recipe = decoder.RecipeText(candidate.Genome);
            var memory = await evaluator.EvaluateAsync(new CandidateRequest(candidate, recipe, null), default);
            var output = Path.Combine(folder, $"candidate-{candidate.Id}");
            var disk = DiskWorkflow.Evaluate(recipe, folder, output, request, mergeThreads: 1);

            Assert.Equal(CandidateStatus.Ok, memory.Status);
            Assert.True(File.Exists(Path.Combine(output, "model.safetensors")) && File.Exists(Path.Combine(output, "config.json")));
            Assert.Equal(4 * ItemsPerTask, memory.Items.Count);
            var diskItems = disk.Scores.Tasks.SelectMany(t => t.Items).Select(i => (i.Task, i.Id, i.Score)).OrderBy(x => x.Task).ThenBy(x => x.Id);
            Assert.Equal(diskItems, memory.Items.Select(i => (i.Task, i.Item, i.Value)).OrderBy(x => x.Task).ThenBy(x => x.Item));
            Assert.Equal(disk.Scores.Fitness, memory.Fitness);
            Assert.Equal(0, SearchBenchmark.MaxDifference(memory.Items, disk.Scores));
            Assert.True(disk.WriteMs > 0 && disk.OpenMs > 0 && disk.LoadScoreMs > 0);
            fitnesses.Add(memory.Fitness!.Value.Estimate);
        }
        Assert.Equal(3, fitnesses.Distinct().Count());
    }

    [Fact]
    public void Item_scores_that_differ_or_miss_an_item_are_reported()
    {
        var tasks = new[]
        {
            new TaskScore("enc", Evolve.Proxy.Tasks.TaskMetric.LogLikelihood, 1, default, default,
                [new ItemScore("a", "enc", -0.5, -0.5, null), new ItemScore("b", "enc", -0.25, -0.25, null)]),
        };
        var disk = new ModelScores("m", tasks, default);
        Assert.Equal(0, SearchBenchmark.MaxDifference([new StoredItemScore("enc", "a", -0.5), new StoredItemScore("enc", "b", -0.25)], disk));
        Assert.Equal(0.125, SearchBenchmark.MaxDifference([new StoredItemScore("enc", "a", -0.5), new StoredItemScore("enc", "b", -0.375)], disk));
        Assert.Equal(double.PositiveInfinity, SearchBenchmark.MaxDifference([new StoredItemScore("enc", "a", -0.5), new StoredItemScore("enc", "c", -0.25)], disk));
        Assert.Equal(double.PositiveInfinity, SearchBenchmark.MaxDifference([new StoredItemScore("enc", "a", -0.5)], disk));
    }
}
