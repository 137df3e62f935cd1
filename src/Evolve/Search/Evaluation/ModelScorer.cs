using Evolve.Checkpoints;
using Evolve.Merging.Execution;
using Evolve.Onnx;
using Evolve.Proxy;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Tasks;

namespace Evolve.Search.Evaluation;

/// <summary>
/// Scores fine-tunes of one base, recipes merged in memory from them, or any weight set of the base's shapes, on
/// proxy sets: the graph is bound to the base once, items are tokenized once (with the base's tokenizer), and each
/// model's weights are fed to the same session. A sweep or a soup keeps one open across all its candidates.
/// </summary>
internal sealed class ModelScorer : IDisposable
{
    private readonly HfModelFolder _base;
    private readonly CheckpointScorer _scorer;
    private readonly ProxyScorer _proxy;
    private readonly ulong _seed;

    private ModelScorer(HfModelFolder baseModel, CheckpointScorer scorer, ProxyScorer proxy, int itemCount, ulong seed)
    {
        _base = baseModel;
        _scorer = scorer;
        _proxy = proxy;
        ItemCount = itemCount;
        _seed = seed;
    }

    public int ItemCount { get; }

    /// <summary>Opens the request's base, graph and split (its <see cref="ModelScoringRequest.Models"/> are not scored here).</summary>
    public static ModelScorer Open(ModelScoringRequest request)
    {
        var (search, heldOut) = request.Proxy.ReadItems();
        var items = request.HeldOut ? heldOut : search;
        if (items.Count == 0)
            throw new TaskSettingsException("the proxy block", "the held-out split is empty", "give heldout_files or a split");
        var baseModel = HfModelFolder.Open(BaseFolder(request.BaseModel));
        CheckpointScorer? scorer = null;
        try
        {
            var codec = TokenizerCodec.ForModel(baseModel);
            scorer = CheckpointScorer.Create(request.Onnx, baseModel.Weights, request.Strategy, request.Session);
            scorer.CheckTokenizer(codec, codec.Tokenizer.File);
            var proxy = new ProxyScorer(codec, items, request.Options, request.Proxy.SettingsOf, ModelContext.FromConfig(baseModel));
            return new ModelScorer(baseModel, scorer, proxy, items.Count, request.Options.Seed);
        }
        catch
        {
            scorer?.Dispose();
            baseModel.Dispose();
            throw;
        }
    }

    /// <summary>A model folder, or a mergekit recipe merged in memory.</summary>
    public ModelScores Score(string modelOrRecipe)
    {
        if (MergedRecipe.IsRecipe(modelOrRecipe))
        {
            using var merged = MergedRecipe.Merge(modelOrRecipe, _seed);
            return Score(modelOrRecipe, merged.Weights);
        }
        using var model = HfModelFolder.Open(modelOrRecipe);
        return Score(modelOrRecipe, model.Weights);
    }

    /// <summary>Weights already in memory (a merge the caller holds), reported under <paramref name="label"/>.</summary>
    public ModelScores Score(string label, ITensorSource weights)
    {
        var tasks = _scorer.Score(weights, _proxy);
        return new ModelScores(label, tasks, Fitness.Of(tasks, _seed));
    }

    public void Dispose()
    {
        _scorer.Dispose();
        _base.Dispose();
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
