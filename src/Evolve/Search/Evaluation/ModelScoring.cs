using Evolve.Onnx;
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

/// <summary>Scores the models of a request one after the other through one <see cref="ModelScorer"/>.</summary>
internal static class ModelScoring
{
    public static IReadOnlyList<ModelScores> Run(ModelScoringRequest request, IProgress<ScoringProgress>? progress = null)
    {
        using var scorer = ModelScorer.Open(request);
        var results = new List<ModelScores>();
        progress?.Report(new ScoringProgress(0, request.Models.Count, $"{scorer.ItemCount} items tokenized; scoring {request.Models.Count} model(s)"));
        foreach (var path in request.Models)
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            results.Add(scorer.Score(path));
            progress?.Report(new ScoringProgress(results.Count, request.Models.Count, $"scored {path}: {scorer.ItemCount} items in {started.Elapsed.TotalSeconds:F1} s"));
        }
        return results;
    }
}
