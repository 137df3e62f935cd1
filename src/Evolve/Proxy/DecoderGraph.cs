using Evolve.Onnx;

namespace Evolve.Proxy;

/// <summary>
/// A causal-LM ONNX graph as scoring sees it: a whole-sequence forward (attention mask of ones, empty past) for
/// log-likelihoods and recomputation, and step-wise runs for KV-cache decoding when the graph has past inputs whose
/// present outputs can be found (optimum/onnxruntime-genai "past_key_values.N.key" → "present.N.key",
/// onnxruntime.transformers "past_N" → "present_N"). Either over a session that holds its own weights, or over a
/// scoring session and one weight set.
/// </summary>
internal sealed class DecoderGraph : IIncrementalLm, IDisposable
{
    private readonly Func<IReadOnlyList<string>, IReadOnlyList<OrtTensor>, IReadOnlyList<string>, OrtTensor[]> _run;
    private OrtLogits? _lastLogits;
    private long _runTicks;

    private DecoderGraph(IReadOnlyList<OrtTensorDescription> inputs, IReadOnlyList<OrtTensorDescription> outputs,
        Func<IReadOnlyList<string>, IReadOnlyList<OrtTensor>, IReadOnlyList<string>, OrtTensor[]> run)
    {
        Inputs = inputs;
        _run = run;
        var logits = outputs.FirstOrDefault(o => o.Name == "logits") ?? outputs[0];
        LogitsOutput = logits.Name;
        VocabSize = checked((int)logits.Dims[^1]);
        var outputNames = outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var presentOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in inputs.Where(i => DecoderInputs.IsPast(i.Name)))
        {
            var present = PresentName(input.Name);
            if (!outputNames.Contains(present))
            {
                presentOf.Clear();
                break;
            }
            presentOf[input.Name] = present;
        }
        PresentOf = presentOf;
    }

    public static DecoderGraph Over(OrtSession session) =>
        new(session.Inputs, session.Outputs, (names, values, outputs) =>
            session.Run(names.Select(session.InputIndex).ToArray(), values.ToArray(), outputs.Select(session.OutputIndex).ToArray()));

    public static DecoderGraph Over(ScoringSession session, GraphWeights weights) =>
        new(session.Inputs, session.Outputs, (names, values, outputs) => session.Run(weights, names, values, outputs));

    public int VocabSize { get; }

    public string LogitsOutput { get; }

    public IReadOnlyList<OrtTensorDescription> Inputs { get; }

    public IReadOnlyDictionary<string, string> PresentOf { get; }

    private static string PresentName(string past) =>
        past.StartsWith("past_key_values", StringComparison.Ordinal) ? "present" + past["past_key_values".Length..]
            : "present" + past["past".Length..];

    public ForwardLogits Forward(ReadOnlySpan<long> ids, int batch, int length)
    {
        var rows = new long[batch][];
        for (var b = 0; b < batch; b++)
            rows[b] = ids.Slice(b * length, length).ToArray();
        var feeds = DecoderInputs.ForTokens(Inputs, rows);
        var values = new List<OrtTensor>(feeds.Count);
        try
        {
            foreach (var feed in feeds)
                values.Add(OrtTensor.Over(feed.Buffer, feed.ElementType, feed.Shape));
            _lastLogits?.Dispose();
            _lastLogits = null;
            var outputs = Run(feeds.Select(f => f.Name).ToArray(), values, [LogitsOutput]);
            _lastLogits = new OrtLogits(outputs[0], VocabSize);
            return _lastLogits;
        }
        finally
        {
            foreach (var value in values) value.Dispose();
            foreach (var feed in feeds) feed.Dispose();
        }
    }

    /// <summary>Time spent inside ONNX Runtime's Run so far: the baseline `evolve bench score` sets our overhead against.</summary>
    public TimeSpan RunTime => System.Diagnostics.Stopwatch.GetElapsedTime(0, _runTicks);

    public OrtTensor[] Run(IReadOnlyList<string> inputNames, IReadOnlyList<OrtTensor> inputValues, IReadOnlyList<string> outputNames)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return _run(inputNames, inputValues, outputNames);
        }
        finally
        {
            _runTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
        }
    }

    public void Dispose()
    {
        _lastLogits?.Dispose();
        _lastLogits = null;
    }
}
