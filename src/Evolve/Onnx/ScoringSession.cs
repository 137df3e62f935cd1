namespace Evolve.Onnx;

/// <summary>
/// Scores many weight sets on one graph: <c>Run(weights, inputs)</c> gives the logits of the graph with the bound
/// initializers replaced by <paramref name="weights"/>. The strategy decides how (see <see cref="ScoringStrategy"/>);
/// both give the same logits. Buffers of a weight set must not change while a Run on them is in flight (and, for
/// <see cref="ScoringStrategy.SessionPerWeightSet"/>, while its session is current): ORT reads them in place.
/// Weights as inputs may be run from several threads at once; a session per weight set swaps its session on a new
/// set, so it is driven from one thread.
/// </summary>
internal sealed class ScoringSession : IDisposable
{
    private readonly WeightBinding binding;
    private readonly OrtSessionSettings settings;
    private readonly OrtSession? shared;
    private readonly string? preparedModel;
    private readonly int logitsIndex;
    private OrtSession? perSet;
    private GraphWeights? perSetWeights;

    private ScoringSession(WeightBinding binding, ScoringStrategy strategy, OrtSessionSettings settings)
    {
        this.binding = binding;
        Strategy = strategy;
        var bound = binding.BoundInitializers.Select(i => i.Name).ToArray();
        if (strategy == ScoringStrategy.WeightsAsInputs)
        {
            this.settings = settings;
            shared = OrtSession.FromBytes(binding.Graph.WithInitializersAsInputs(bound), binding.Graph.Path, settings);
            Inputs = shared.Inputs.Where(i => !binding.Graph.TryGetInitializer(i.Name, out _)).ToArray();
            Outputs = shared.Outputs;
        }
        else
        {
            // At ORT_ENABLE_ALL, ORT 1.30 on CPU rewrites 16-bit float MatMul weights into float32 constants taken from
            // the model file before AddInitializer's values apply, so the override would be silently lost.
            this.settings = binding.BoundInitializers.Any(i => i.ElementType != TensorElementType.Float) && settings.Optimization > GraphOptimization.Extended
                ? settings with { Optimization = GraphOptimization.Extended }
                : settings;
            PreparedFolder = Directory.CreateTempSubdirectory("evolve-scoring-").FullName;
            preparedModel = binding.Graph.WriteWithExternalInitializers(bound, PreparedFolder);
            using var probe = OrtSession.FromFile(preparedModel, this.settings);
            Inputs = probe.Inputs;
            Outputs = probe.Outputs;
        }
        var logits = Outputs.Select((o, i) => (o, i)).FirstOrDefault(p => p.o.Name == "logits");
        logitsIndex = logits.o is null ? 0 : logits.i;
    }

    public ScoringStrategy Strategy { get; }

    /// <summary>The graph's own inputs (weights excluded): whether it takes attention_mask, position_ids, past key/values.</summary>
    public IReadOnlyList<OrtTensorDescription> Inputs { get; }

    public IReadOnlyList<OrtTensorDescription> Outputs { get; }

    /// <summary>The stand-alone external-data copy of the graph a per-set session loads (null for weights as inputs).</summary>
    public string? PreparedFolder { get; }

    public OrtSessionSettings EffectiveSettings => settings;

    public bool TakesInput(string name) => Inputs.Any(i => i.Name == name);

    public bool TakesPastKeyValues => Inputs.Any(i => DecoderInputs.IsPast(i.Name));

    public static ScoringSession Create(WeightBinding binding, ScoringStrategy strategy, OrtSessionSettings? settings = null) =>
        new(binding, strategy, settings ?? OrtSessionSettings.Default);

    /// <summary>
    /// Makes <paramref name="weights"/> current. For a session per weight set this creates its session (the previous
    /// one is released); for weights as inputs it costs nothing. Run calls it itself.
    /// </summary>
    public void Prepare(GraphWeights weights)
    {
        if (Strategy == ScoringStrategy.WeightsAsInputs || ReferenceEquals(weights, perSetWeights)) return;
        var overrides = new InitializerOverrides(binding.Graph);
        foreach (var initializer in binding.BoundInitializers)
            overrides.Add(initializer.Name, weights[initializer.Name], initializer.ElementType, initializer.Dims);
        var next = OrtSession.FromFile(preparedModel!, settings, overrides);
        perSet?.Dispose();
        perSet = next;
        perSetWeights = weights;
    }

    /// <summary>The logits of the graph with <paramref name="weights"/> on <paramref name="inputs"/> (named after <see cref="Inputs"/>).</summary>
    public Logits Run(GraphWeights weights, IReadOnlyList<NamedTensor> inputs)
    {
        OrtTensor[] outputs;
        if (Strategy == ScoringStrategy.WeightsAsInputs)
            outputs = RunWithWeightInputs(weights, inputs);
        else
        {
            Prepare(weights);
            outputs = perSet!.Run(inputs, Outputs[logitsIndex].Name);
        }
        using var logits = outputs[0];
        return new Logits(logits.ToFloat32(), logits.Shape);
    }

    /// <summary>
    /// Runs the graph with <paramref name="weights"/> on values fed to the named inputs and returns the named outputs
    /// as values ORT allocated (the caller disposes them): what incremental decoding needs to carry present key/values
    /// from one step into the next step's past inputs without copying them.
    /// </summary>
    public OrtTensor[] Run(GraphWeights weights, IReadOnlyList<string> inputNames, IReadOnlyList<OrtTensor> inputValues, IReadOnlyList<string> outputNames)
    {
        OrtSession session;
        var bound = Strategy == ScoringStrategy.WeightsAsInputs ? binding.BoundInitializers : [];
        if (Strategy == ScoringStrategy.WeightsAsInputs)
            session = shared!;
        else
        {
            Prepare(weights);
            session = perSet!;
        }
        var indices = new int[bound.Count + inputNames.Count];
        var values = new OrtTensor[indices.Length];
        var owned = new List<OrtTensor>(bound.Count);
        try
        {
            for (var i = 0; i < bound.Count; i++)
            {
                indices[i] = session.InputIndex(bound[i].Name);
                values[i] = OrtTensor.Over(weights[bound[i].Name], bound[i].ElementType, bound[i].Dims);
                owned.Add(values[i]);
            }
            for (var i = 0; i < inputNames.Count; i++)
            {
                indices[bound.Count + i] = session.InputIndex(inputNames[i]);
                values[bound.Count + i] = inputValues[i];
            }
            return session.Run(indices, values, outputNames.Select(session.OutputIndex).ToArray());
        }
        finally
        {
            foreach (var v in owned) v.Dispose();
        }
    }

    private OrtTensor[] RunWithWeightInputs(GraphWeights weights, IReadOnlyList<NamedTensor> inputs)
    {
        var session = shared!;
        var bound = binding.BoundInitializers;
        var indices = new int[bound.Count + inputs.Count];
        var values = new OrtTensor[indices.Length];
        try
        {
            for (var i = 0; i < bound.Count; i++)
            {
                indices[i] = session.InputIndex(bound[i].Name);
                values[i] = OrtTensor.Over(weights[bound[i].Name], bound[i].ElementType, bound[i].Dims);
            }
            for (var i = 0; i < inputs.Count; i++)
            {
                indices[bound.Count + i] = session.InputIndex(inputs[i].Name);
                values[bound.Count + i] = OrtTensor.Over(inputs[i].Buffer, inputs[i].ElementType, inputs[i].Shape);
            }
            return session.Run(indices, values, [logitsIndex]);
        }
        finally
        {
            foreach (var v in values) v?.Dispose();
        }
    }

    public void Dispose()
    {
        shared?.Dispose();
        perSet?.Dispose();
        perSet = null;
        perSetWeights = null;
        if (PreparedFolder is not null && Directory.Exists(PreparedFolder))
            Directory.Delete(PreparedFolder, recursive: true);
    }
}
