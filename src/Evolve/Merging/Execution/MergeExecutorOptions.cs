namespace Evolve.Merging.Execution;

/// <summary>Settings of <see cref="MergeExecutor"/>.</summary>
internal sealed record MergeExecutorOptions
{
    /// <summary>Tensors computed at once; default every core.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    public IProgress<MergeProgress>? Progress { get; init; }

    public CancellationToken Cancellation { get; init; }
}
