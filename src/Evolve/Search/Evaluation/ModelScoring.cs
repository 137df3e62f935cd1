using Evolve.Checkpoints;
using Evolve.Merging.Execution;
using Evolve.Onnx;
using Evolve.Proxy;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Statistics;
using Evolve.Proxy.Tasks;

namespace Evolve.Search.Evaluation;

/// <summary>What `evolve score` and the zoo table ask for: models, the base's graph, proxy files and settings.</summary>
internal sealed record ModelScoringRequest(
    IReadOnlyList<string> Models,
    string BaseModel,
    string Onnx,
    ProxyDeclaration Proxy,
    ScoringOptions Options,
    ScoringStrategy Strategy,
    OrtSessionSettings Session,
    bool HeldOut = false);

/// <summary>Where a scoring run stands: models done of the total, and a line about the last one.</summary>
internal sealed record ScoringProgress(int ModelsDone, int ModelsTotal, string Message);

/// <summary>One model's scores on every task and its fitness (the weighted mean over tasks, with its interval).</summary>
internal sealed record ModelScores(string Model, IReadOnlyList<TaskScore> Tasks, Interval Fitness);

/// <summary>
/// Scores several fine-tunes of one base, or recipes merged in memory from them, on proxy sets: the graph is bound to the base once, items are tokenized
/// once (with the base's tokenizer), and each model's weights are fed to the same session.
/// </summary>
internal static class ModelScoring
{
    public static IReadOnlyList<ModelScores> Run(ModelScoringRequest request, IProgress<ScoringProgress>? progress = null)
    {
        var (search, heldOut) = request.Proxy.ReadItems();
        var items = request.HeldOut ? heldOut : search;
        if (items.Count == 0)
            throw new TaskSettingsException("the proxy block", "the held-out split is empty", "give heldout_files or a split");
        using var baseModel = HfModelFolder.Open(BaseFolder(request.BaseModel));
        var codec = TokenizerCodec.ForModel(baseModel);
        using var scorer = CheckpointScorer.Create(request.Onnx, baseModel.Weights, request.Strategy, request.Session);
        scorer.CheckTokenizer(codec, codec.Tokenizer.File);
        var proxy = new ProxyScorer(codec, items, request.Options, request.Proxy.SettingsOf, ModelContext.FromConfig(baseModel));
        var results = new List<ModelScores>();
        progress?.Report(new ScoringProgress(0, request.Models.Count, $"{items.Count} items tokenized; scoring {request.Models.Count} model(s)"));
        foreach (var path in request.Models)
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            IReadOnlyList<TaskScore> tasks;
            if (MergedRecipe.IsRecipe(path))
            {
                using var merged = MergedRecipe.Merge(path, request.Options.Seed);
                tasks = scorer.Score(merged.Weights, proxy);
            }
            else
            {
                using var model = HfModelFolder.Open(path);
                tasks = scorer.Score(model.Weights, proxy);
            }
            results.Add(new ModelScores(path, tasks, Fitness.Of(tasks, request.Options.Seed)));
            progress?.Report(new ScoringProgress(results.Count, request.Models.Count, $"scored {path}: {items.Count} items in {started.Elapsed.TotalSeconds:F1} s"));
        }
        return results;
    }

    /// <summary>A model folder as given; for a recipe, the folder of its reference (base) model.</summary>
    private static string BaseFolder(string modelOrRecipe)
    {
        if (!MergedRecipe.IsRecipe(modelOrRecipe))
            return modelOrRecipe;
        using var merged = MergedRecipe.Merge(modelOrRecipe);
        return merged.ReferenceFolder;
    }
}
