using Evolve.Checkpoints;

namespace Evolve.Onnx;

/// <summary>
/// Binds the tensors of a checkpoint to the graph initializers that hold them, against the base checkpoint the graph
/// was exported from. First by name (exact, then with exporter decorations dropped: builder suffixes such as
/// <c>.MatMul.weight</c>, <c>attn</c> for <c>self_attn</c>), then by content for what exporters renamed (torch.onnx's
/// <c>onnx::MatMul_N</c>, transposed to [in, out]) or deduplicated (bit-identical tensors stored once). Content is
/// compared in float32 within the rounding of the graph's and checkpoint's dtypes; candidates are indexed by element
/// count and screened on a few sampled elements before any full comparison.
/// </summary>
internal sealed class WeightBinding
{
    private const int SampleCount = 32;

    private readonly Dictionary<string, WeightMapping> byCheckpointName;
    private readonly Dictionary<string, WeightMapping> supplierOf;

    private WeightBinding(OnnxModel graph, List<WeightMapping> mappings, List<string> unmappedCheckpoint, List<OnnxInitializer> unmappedInitializers)
    {
        Graph = graph;
        Mappings = mappings.OrderBy(m => m.CheckpointName, StringComparer.Ordinal).ToArray();
        UnmappedCheckpointTensors = unmappedCheckpoint;
        UnmappedInitializers = unmappedInitializers;
        byCheckpointName = Mappings.ToDictionary(m => m.CheckpointName, StringComparer.Ordinal);
        supplierOf = new Dictionary<string, WeightMapping>(StringComparer.Ordinal);
        foreach (var m in Mappings) supplierOf.TryAdd(m.Initializer.Name, m);
        BoundInitializers = graph.Initializers.Where(i => supplierOf.ContainsKey(i.Name)).ToArray();
    }

    public OnnxModel Graph { get; }

    /// <summary>Every checkpoint tensor that reaches the graph, sorted by checkpoint name.</summary>
    public IReadOnlyList<WeightMapping> Mappings { get; }

    /// <summary>Checkpoint tensors the graph does not hold (e.g. rotary inv_freq buffers, or a tensor the exporter folded away).</summary>
    public IReadOnlyList<string> UnmappedCheckpointTensors { get; }

    /// <summary>Floating-point initializers no checkpoint tensor fills (rotary caches, exporter constants); they keep the graph's values.</summary>
    public IReadOnlyList<OnnxInitializer> UnmappedInitializers { get; }

    /// <summary>The initializers a weight set supplies, in graph order.</summary>
    public IReadOnlyList<OnnxInitializer> BoundInitializers { get; }

    public bool TryGetMapping(string checkpointName, out WeightMapping mapping) => byCheckpointName.TryGetValue(checkpointName, out mapping!);

    /// <summary>Initializers that more than one checkpoint tensor maps to (deduplicated by the exporter).</summary>
    public IEnumerable<IGrouping<string, WeightMapping>> SharedInitializers =>
        Mappings.GroupBy(m => m.Initializer.Name).Where(g => g.Count() > 1);

    public static WeightBinding Create(OnnxModel graph, ITensorSource baseCheckpoint)
    {
        var candidates = graph.Initializers.Where(IsWeightLike).ToArray();
        var graphValues = new Dictionary<string, float[]>(StringComparer.Ordinal);
        float[] GraphValues(OnnxInitializer i)
        {
            if (!graphValues.TryGetValue(i.Name, out var v)) graphValues[i.Name] = v = graph.ReadFloat32(i);
            return v;
        }

        var byName = candidates.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var byExporterKey = candidates.GroupBy(i => ExporterKey(i.Name)).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var mappings = new List<WeightMapping>();
        var remaining = new List<TensorInfo>();

        foreach (var tensor in baseCheckpoint.Tensors.Where(t => t.DType.IsFloat32Convertible()))
        {
            OnnxInitializer? named = null;
            var match = WeightMatch.ExactName;
            if (byName.TryGetValue(tensor.Name, out var exact) && Orientations(tensor.Shape, exact.Dims).Length > 0)
                named = exact;
            else if (byExporterKey.TryGetValue(ExporterKey(tensor.Name), out var keyed))
            {
                var fitting = keyed.Where(i => !used.Contains(i.Name) && Orientations(tensor.Shape, i.Dims).Length > 0).ToArray();
                if (fitting.Length == 1) { named = fitting[0]; match = WeightMatch.ExporterName; }
            }
            if (named is null)
            {
                remaining.Add(tensor);
                continue;
            }
            var values = ReadCheckpoint(baseCheckpoint, tensor);
            var orientations = Orientations(tensor.Shape, named.Dims);
            var verified = orientations.Where(t => Matches(values, tensor, GraphValues(named), named, t)).ToArray();
            var transposed = verified.Length > 0 ? verified[0]
                : orientations.Length == 1 ? orientations[0]
                : named.Name.Contains("MatMul", StringComparison.Ordinal); // square and unverifiable: the exporters' convention
            mappings.Add(new WeightMapping(tensor.Name, tensor.Shape, named, transposed, match, verified.Length > 0));
            used.Add(named.Name);
        }

        var byCount = candidates.Where(i => i.ElementCount >= 2).GroupBy(i => i.ElementCount).ToDictionary(g => g.Key, g => g.ToArray());
        var unmappedCheckpoint = new List<string>();
        foreach (var tensor in remaining)
        {
            if (tensor.ElementCount < 2 || !byCount.TryGetValue(tensor.ElementCount, out var sameCount))
            {
                unmappedCheckpoint.Add(tensor.Name);
                continue;
            }
            var values = ReadCheckpoint(baseCheckpoint, tensor);
            (OnnxInitializer Initializer, bool Transposed)? best = null;
            var bestRank = (Unused: false, Similarity: -1);
            foreach (var candidate in sameCount)
                foreach (var transposed in Orientations(tensor.Shape, candidate.Dims))
                {
                    var graphData = GraphValues(candidate);
                    if (!SampleMatches(values, tensor, graphData, candidate, transposed) || !Matches(values, tensor, graphData, candidate, transposed))
                        continue;
                    var rank = (Unused: !used.Contains(candidate.Name), Similarity: NameSimilarity(tensor.Name, candidate.Name));
                    if (best is null || rank.CompareTo(bestRank) > 0)
                    {
                        best = (candidate, transposed);
                        bestRank = rank;
                    }
                }
            if (best is not { } chosen)
            {
                unmappedCheckpoint.Add(tensor.Name);
                continue;
            }
            mappings.Add(new WeightMapping(tensor.Name, tensor.Shape, chosen.Initializer, chosen.Transposed, WeightMatch.Content, true));
            used.Add(chosen.Initializer.Name);
        }

        var unmappedInitializers = graph.Initializers.Where(i => i.ElementType.IsFloatingPoint() && !used.Contains(i.Name)).ToList();
        return new WeightBinding(graph, mappings, unmappedCheckpoint, unmappedInitializers);
    }

    /// <summary>
    /// Binds every floating-point initializer of at least two elements to itself: the graph's own weights as the
    /// weight set, for measuring or checking a graph without its checkpoint.
    /// </summary>
    public static WeightBinding OwnInitializers(OnnxModel graph)
    {
        var mappings = graph.Initializers.Where(i => IsWeightLike(i) && i.ElementCount >= 2)
            .Select(i => new WeightMapping(i.Name, i.Dims, i, false, WeightMatch.ExactName, true)).ToList();
        var bound = mappings.Select(m => m.Initializer.Name).ToHashSet(StringComparer.Ordinal);
        return new WeightBinding(graph, mappings, [], graph.Initializers.Where(i => i.ElementType.IsFloatingPoint() && !bound.Contains(i.Name)).ToList());
    }

    /// <summary>
    /// A float32 tensor (checkpoint layout, e.g. a merged weight) in the initializer's dtype and layout, in a new
    /// 64-byte aligned native buffer.
    /// </summary>
    public static NativeBuffer ToGraphLayout(WeightMapping mapping, ReadOnlySpan<float> values)
    {
        var initializer = mapping.Initializer;
        if (values.Length != initializer.ElementCount)
            throw new ArgumentException($"{mapping.CheckpointName} has {values.Length} values, {initializer} needs {initializer.ElementCount}", nameof(values));
        var buffer = new NativeBuffer(initializer.ByteLength);
        WeightLayout.Write(values, mapping.CheckpointShape, mapping.Transposed, initializer.ElementType, buffer.Bytes);
        return buffer;
    }

    /// <summary>
    /// Like <see cref="ToGraphLayout(WeightMapping, ReadOnlySpan{float})"/> for a float32 native buffer, which is
    /// returned itself (zero copy, <paramref name="copied"/> false) when the graph already stores it as float32 in
    /// the same layout.
    /// </summary>
    public static NativeBuffer ToGraphLayout(WeightMapping mapping, NativeBuffer float32, out bool copied)
    {
        copied = mapping.Transposed || mapping.Initializer.ElementType != TensorElementType.Float;
        if (!copied) return float32;
        return ToGraphLayout(mapping, float32.AsSpan<float>()[..(int)mapping.Initializer.ElementCount]);
    }

    /// <summary>
    /// The mapping of a bound initializer and the checkpoint tensor that supplies it, checked to exist with the
    /// base's shape: a checkpoint of another architecture is refused with the tensor named. When an exporter stored
    /// several identical tensors once, the first by checkpoint name supplies it (the graph cannot hold diverging copies).
    /// </summary>
    public (WeightMapping Mapping, TensorInfo Info) Supplier(ITensorSource checkpoint, string initializerName)
    {
        var mapping = supplierOf[initializerName];
        if (!checkpoint.TryGetInfo(mapping.CheckpointName, out var info))
            throw new WeightBindingException(checkpoint.Location, $"has no tensor '{mapping.CheckpointName}', which the graph's '{initializerName}' needs",
                "Score only checkpoints with the same architecture as the base");
        if (!info.Shape.AsSpan().SequenceEqual(mapping.CheckpointShape))
            throw new WeightBindingException($"{checkpoint.Location}: tensor '{info.Name}'",
                $"has shape {TensorElementTypes.FormatShape(info.Shape)}, the base has {TensorElementTypes.FormatShape(mapping.CheckpointShape)}",
                "Score only checkpoints with the same architecture as the base");
        return (mapping, info);
    }

    /// <summary>A checkpoint (the base, a fine-tune, a merge written to disk) as a weight set in the graph's layout.</summary>
    public GraphWeights Convert(ITensorSource checkpoint)
    {
        var weights = new GraphWeights();
        try
        {
            foreach (var initializer in BoundInitializers)
            {
                var (mapping, info) = Supplier(checkpoint, initializer.Name);
                weights.Add(initializer.Name, ToGraphLayout(mapping, ReadCheckpoint(checkpoint, info)), owns: true);
            }
            return weights;
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>What does not bind one to one: unmapped tensors on either side and initializers several tensors share.</summary>
    public IEnumerable<string> Exceptions()
    {
        foreach (var name in UnmappedCheckpointTensors) yield return $"checkpoint {name}: not in the graph";
        foreach (var i in UnmappedInitializers) yield return $"graph {i}: no checkpoint tensor, keeps the graph's values";
        foreach (var group in SharedInitializers)
            yield return $"graph {group.Key}: stored once for {string.Join(", ", group.Select(m => m.CheckpointName))}; {group.First().CheckpointName} supplies it";
    }

    private static bool IsWeightLike(OnnxInitializer i) =>
        i.ElementType is TensorElementType.Float or TensorElementType.Float16 or TensorElementType.BFloat16;

    /// <summary>
    /// A name with exporter decorations dropped: the op segment builders insert before <c>weight</c>/<c>bias</c>
    /// (<c>q_proj.MatMul.weight</c>), and <c>attn</c> for <c>self_attn</c>.
    /// </summary>
    internal static string ExporterKey(string name)
    {
        var segments = name.Split('.').ToList();
        for (var i = segments.Count - 2; i >= 0; i--)
            if (segments[i] is "MatMul" or "Gemm" or "Add" && segments[i + 1] is "weight" or "bias")
                segments.RemoveAt(i);
        for (var i = 0; i < segments.Count; i++)
            if (segments[i] == "self_attn") segments[i] = "attn";
        return string.Join('.', segments);
    }

    /// <summary>The orientations (false: as is, true: transposed) in which a checkpoint shape fits an initializer's dims.</summary>
    private static bool[] Orientations(long[] checkpointShape, long[] dims)
    {
        var squeezedA = checkpointShape.Where(d => d != 1).ToArray();
        var squeezedB = dims.Where(d => d != 1).ToArray();
        var direct = squeezedA.AsSpan().SequenceEqual(squeezedB);
        var transposed = checkpointShape.Length == 2 && dims.Length == 2 && checkpointShape[0] == dims[1] && checkpointShape[1] == dims[0];
        return (direct, transposed) switch
        {
            (true, true) => [false, true],
            (true, false) => [false],
            (false, true) => [true],
            _ => [],
        };
    }

    private static bool SampleMatches(float[] checkpoint, TensorInfo tensor, float[] graph, OnnxInitializer initializer, bool transposed)
    {
        var n = checkpoint.Length;
        var (rel, abs) = Tolerance(initializer.ElementType, tensor.DType);
        for (var s = 0; s < Math.Min(SampleCount, n); s++)
        {
            var p = (int)((ulong)s * 2654435761UL % (ulong)n);
            if (!Close(checkpoint[p], graph[GraphIndex(p, tensor, transposed)], rel, abs)) return false;
        }
        return true;
    }

    private static bool Matches(float[] checkpoint, TensorInfo tensor, float[] graph, OnnxInitializer initializer, bool transposed)
    {
        var (rel, abs) = Tolerance(initializer.ElementType, tensor.DType);
        for (var p = 0; p < checkpoint.Length; p++)
            if (!Close(checkpoint[p], graph[GraphIndex(p, tensor, transposed)], rel, abs)) return false;
        return true;
    }

    private static int GraphIndex(int p, TensorInfo tensor, bool transposed)
    {
        if (!transposed) return p;
        var rows = (int)tensor.Shape[0];
        var cols = (int)tensor.Shape[1];
        return p % cols * rows + p / cols;
    }

    private static bool Close(float expected, float actual, float rel, float abs) =>
        expected == actual || Math.Abs(expected - actual) <= abs + rel * Math.Abs(expected);

    /// <summary>Relative and absolute tolerance that covers rounding a value to the coarser of the two dtypes.</summary>
    private static (float Rel, float Abs) Tolerance(TensorElementType graphType, DType checkpointType)
    {
        static float Rel(DType d) => d switch { DType.F16 => 1e-3f, DType.BF16 => 8e-3f, _ => 1e-6f };
        var graphDType = graphType.StorageDType();
        var abs = graphDType == DType.F16 || checkpointType == DType.F16 ? 6e-8f : 0f; // fp16's subnormal spacing
        return (Math.Max(Rel(graphDType), Rel(checkpointType)), abs);
    }

    private static int NameSimilarity(string a, string b)
    {
        var left = a.Split('.', ':', '_', '/');
        return b.Split('.', ':', '_', '/').Count(s => left.Contains(s));
    }

    private static float[] ReadCheckpoint(ITensorSource source, TensorInfo tensor)
    {
        var values = new float[tensor.ElementCount];
        source.ReadFloat32(tensor.Name, values);
        return values;
    }
}
