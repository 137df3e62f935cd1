namespace Evolve.Onnx;

/// <summary>How a checkpoint tensor was matched to its graph initializer.</summary>
public enum WeightMatch
{
    /// <summary>Same name.</summary>
    ExactName,

    /// <summary>Same name once exporter decorations are dropped (e.g. <c>q_proj.MatMul.weight</c> for <c>q_proj.weight</c>).</summary>
    ExporterName,

    /// <summary>Same values as the base checkpoint's tensor (renamed by the exporter, e.g. <c>onnx::MatMul_123</c>).</summary>
    Content,
}

/// <summary>
/// One checkpoint tensor bound to the graph initializer that holds it. <paramref name="Transposed"/>: the graph stores
/// the matrix as [in, out] while the checkpoint has [out, in]. <paramref name="ContentVerified"/>: the base
/// checkpoint's values were found in the initializer (within the graph dtype's rounding).
/// </summary>
internal sealed record WeightMapping(string CheckpointName, long[] CheckpointShape, OnnxInitializer Initializer, bool Transposed, WeightMatch Match, bool ContentVerified)
{
    public override string ToString() =>
        $"{CheckpointName} -> {Initializer.Name}{(Transposed ? " (transposed)" : "")} [{Match}{(ContentVerified ? "" : ", values not verified")}]";
}
