using Evolve.Onnx;
using Evolve.Proxy;
using Evolve.Search.Evaluation;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Tasks;
using Evolve.Tests.Onnx;

namespace Evolve.Tests.Proxy;

/// <summary>
/// `evolve score RECIPE.yaml`: a recipe merged in memory scores exactly as the checkpoint it reproduces. Base and
/// fine-tune are HF folders around the tiny Llama's weights (<see cref="LlamaCheckpoints"/>) with its real tokenizer.
/// </summary>
public class RecipeScoringTests(LlamaCheckpoints checkpoints) : IClassFixture<LlamaCheckpoints>
{
    private static string Folder(string root, string name, string weights)
    {
        var folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        File.Copy(weights, Path.Combine(folder, "model.safetensors"));
        File.Copy(Path.Combine(OnnxAssets.LlamaFolder, "tokenizer.json"), Path.Combine(folder, "tokenizer.json"));
        File.WriteAllText(Path.Combine(folder, "config.json"),
            """{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "num_hidden_layers": 2, "eos_token_id": 2, "max_position_embeddings": 2048}""");
        return folder;
    }

    private static string Recipe(string root, string name, double baseWeight, double tunedWeight)
    {
        var path = Path.Combine(root, name);
        File.WriteAllText(path, $"""
            merge_method: linear
            dtype: float32
            models:
              - model: base
                parameters: {"{"}weight: {baseWeight}{"}"}
              - model: tuned
                parameters: {"{"}weight: {tunedWeight}{"}"}
            """);
        return path;
    }

    [Fact]
    public void A_recipe_that_reproduces_the_base_scores_bit_identically_and_a_blend_scores_between()
    {
        var root = RepoPaths.NewTempDir("recipe-score");
        var baseFolder = Folder(root, "base", checkpoints.BasePath);
        var tunedFolder = Folder(root, "tuned", checkpoints.FineTunePath);
        var proxy = Path.Combine(root, "qa.jsonl");
        File.WriteAllLines(proxy, ["""{"prompt": "The capital of France is", "answer": " Paris"}""", """{"prompt": "2 + 2 =", "answer": " 4"}"""]);
        var request = new ModelScoringRequest([baseFolder, tunedFolder, Recipe(root, "same.yaml", 1, 0), Recipe(root, "blend.yaml", 1, 1)], baseFolder, OnnxAssets.Llama,
            ProxyDeclaration.ForFiles([proxy], new TaskSettings { Metric = TaskMetric.LogLikelihood }), new ScoringOptions(),
            ScoringStrategy.WeightsAsInputs, OrtSessionSettings.Default with { IntraOpThreads = 1 });
        var results = ModelScoring.Run(request);
        double[] Scores(int model) => results[model].Tasks.Single().Items.Select(i => i.Score).ToArray();
        Assert.Equal(Scores(0), Scores(2));
        Assert.NotEqual(Scores(0), Scores(1));
        Assert.NotEqual(Scores(0), Scores(3));
        Assert.NotEqual(Scores(1), Scores(3));
    }

    [Fact]
    public void Generation_through_a_checkpoint_uses_the_cache_and_agrees_across_strategies()
    {
        var root = RepoPaths.NewTempDir("strategy-score");
        var baseFolder = Folder(root, "base", checkpoints.BasePath);
        var proxy = Path.Combine(root, "qa.jsonl");
        File.WriteAllLines(proxy, ["""{"prompt": "The capital of France is", "answer": " Paris"}""", """{"prompt": "Two and two make", "answer": " four"}"""]);
        ModelScores Score(ScoringStrategy strategy) => ModelScoring.Run(new ModelScoringRequest([baseFolder], baseFolder, OnnxAssets.Llama,
            ProxyDeclaration.ForFiles([proxy], new TaskSettings { Metric = TaskMetric.Contains, MaxNewTokens = 5 }), new ScoringOptions(BatchSize: 2),
            strategy, OrtSessionSettings.Default with { IntraOpThreads = 1, Optimization = GraphOptimization.Extended }))[0];
        var inputs = Score(ScoringStrategy.WeightsAsInputs).Tasks.Single().Items;
        var perSet = Score(ScoringStrategy.SessionPerWeightSet).Tasks.Single().Items;
        Assert.Equal(inputs.Select(i => (i.Generated, i.LogLikelihood)), perSet.Select(i => (i.Generated, i.LogLikelihood)));
        Assert.All(inputs, i => Assert.False(string.IsNullOrEmpty(i.Generated)));
    }
}
