namespace Evolve.Onnx;

/// <summary>ORT's graph optimization levels (GraphOptimizationLevel).</summary>
public enum GraphOptimization
{
    Disabled = 0,
    Basic = 1,
    Extended = 2,
    Layout = 3,
    All = 99,
}

public enum ExecutionProvider
{
    Cpu,
    Cuda,
}

/// <summary>How ORT sessions are built. Thread counts of 0 let ORT choose (one intra-op thread per physical core).</summary>
public sealed record OrtSessionSettings
{
    public int IntraOpThreads { get; init; }
    public int InterOpThreads { get; init; }
    public GraphOptimization Optimization { get; init; } = GraphOptimization.All;
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Cpu;
    public int DeviceId { get; init; }

    /// <summary>Session config entries (AddSessionConfigEntry), e.g. "session.intra_op.allow_spinning" = "0".</summary>
    public IReadOnlyDictionary<string, string> ConfigEntries { get; init; } = new Dictionary<string, string>();

    public static OrtSessionSettings Default { get; } = new();
}
