using Evolve.Checkpoints;
using Evolve.Onnx;
using Evolve.Proxy.Scoring;

namespace Evolve.Proxy;

/// <summary>What `evolve score` and the zoo table ask for: models, the base's graph, proxy files and settings.</summary>
internal sealed record ModelScoringRequest(
    IReadOnlyList<string> Models,
    string BaseModel,
    string Onnx,
    IReadOnlyList<string> ProxyFiles,
    ScoringOptions Options,
    ScoringStrategy Strategy,
    OrtSessionSettings Session);

/// <summary>One model's scores on every task.</summary>
internal sealed record ModelScores(string Model, IReadOnlyList<TaskScore> Tasks);

/// <summary>
/// Scores several fine-tunes of one base on proxy sets: the graph is bound to the base once, items are tokenized
/// once (with the base's tokenizer), and each model's weights are fed to the same session.
/// </summary>
internal static class ModelScoring
{
    public static IReadOnlyList<ModelScores> Run(ModelScoringRequest request, IProgress<string>? progress = null)
    {
        var items = request.ProxyFiles.SelectMany(ProxySetReader.Read).ToArray();
        using var baseModel = HfModelFolder.Open(request.BaseModel);
        var codec = TokenizerCodec.ForModel(baseModel);
        using var scorer = CheckpointScorer.Create(request.Onnx, baseModel.Weights, request.Strategy, request.Session);
        scorer.CheckTokenizer(codec, codec.Tokenizer.File);
        var proxy = new ProxyScorer(codec, items, request.Options);
        var results = new List<ModelScores>();
        foreach (var path in request.Models)
        {
            using var model = HfModelFolder.Open(path);
            var started = System.Diagnostics.Stopwatch.StartNew();
            results.Add(new ModelScores(path, scorer.Score(model.Weights, proxy)));
            progress?.Report($"scored {path}: {items.Length} items in {started.Elapsed.TotalSeconds:F1} s");
        }
        return results;
    }
}
