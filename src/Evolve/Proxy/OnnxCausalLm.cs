using Evolve.Onnx;

namespace Evolve.Proxy;

/// <summary>A causal LM made of an ONNX scoring session and one weight set in the graph's layout.</summary>
internal sealed class OnnxCausalLm(ScoringSession session, GraphWeights weights, int vocabSize) : ICausalLm
{
    public int VocabSize { get; } = vocabSize;

    public ReadOnlySpan<float> Forward(ReadOnlySpan<long> ids, int batch, int length)
    {
        var rows = new long[batch][];
        for (var b = 0; b < batch; b++)
            rows[b] = ids.Slice(b * length, length).ToArray();
        var inputs = DecoderInputs.ForTokens(session.Inputs, rows);
        try
        {
            return session.Run(weights, inputs).Values;
        }
        finally
        {
            foreach (var input in inputs)
                input.Dispose();
        }
    }
}
