using Evolve.Checkpoints;
using Evolve.Onnx;
using Evolve.Proxy.Scoring;

namespace Evolve.Proxy;

/// <summary>
/// Scores checkpoints that share a base through one ONNX export of that base: the graph's weights are bound to the
/// base checkpoint once, then each checkpoint's tensors are fed in the graph's layout (no file written, no new
/// graph per model).
/// </summary>
internal sealed class CheckpointScorer : IDisposable
{
    private readonly ScoringSession _session;

    private CheckpointScorer(WeightBinding binding, ScoringSession session, int vocabSize)
    {
        Binding = binding;
        _session = session;
        VocabSize = vocabSize;
    }

    public WeightBinding Binding { get; }

    public int VocabSize { get; }

    public static CheckpointScorer Create(string onnxPath, ITensorSource baseCheckpoint, ScoringStrategy strategy, OrtSessionSettings settings)
    {
        var graph = OnnxModel.Load(onnxPath);
        var binding = WeightBinding.Create(graph, baseCheckpoint);
        var session = ScoringSession.Create(binding, strategy, settings);
        try
        {
            var logits = session.Outputs.FirstOrDefault(o => o.Name == "logits") ?? session.Outputs[0];
            var vocab = logits.Dims[^1];
            if (vocab <= 0)
                throw new OnnxModelException(onnxPath, $"the logits output '{logits.Name}' has no fixed vocabulary dimension",
                    "export the graph with a static vocabulary axis");
            return new CheckpointScorer(binding, session, (int)vocab);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Checks that the tokenizer's ids fit the graph's vocabulary, so no id indexes past the embedding.</summary>
    public void CheckTokenizer(ITokenCodec codec, string tokenizerLocation)
    {
        if (codec.VocabSize > VocabSize)
            throw new WeightBindingException(tokenizerLocation,
                $"the tokenizer has {codec.VocabSize} tokens but the graph's logits cover {VocabSize}", "use the tokenizer of the model the graph was exported from");
    }

    public IReadOnlyList<TaskScore> Score(ITensorSource checkpoint, ProxyScorer scorer)
    {
        using var weights = Binding.Convert(checkpoint);
        using var model = DecoderGraph.Over(_session, weights);
        return scorer.Score(model);
    }

    /// <summary>The base's graph over a weight set already in the graph's layout (a search's incrementally bound candidate).</summary>
    public DecoderGraph Model(GraphWeights weights) => DecoderGraph.Over(_session, weights);

    public void Dispose() => _session.Dispose();
}
