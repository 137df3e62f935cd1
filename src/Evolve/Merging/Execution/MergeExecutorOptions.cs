namespace Evolve.Merging.Execution;

/// <summary>Settings of <see cref="MergeExecutor"/>.</summary>
internal sealed record MergeExecutorOptions
{
    /// <summary>Tensors computed at once; default every core.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    public IProgress<MergeProgress>? Progress { get; init; }

    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Release each input tensor's mapped pages once its output tensor is computed: right for a one-pass merge to
    /// disk (resident memory stays near the tensors in flight), wrong for repeated in-memory merges of a search,
    /// which would fault the same pages back in for every candidate.
    /// </summary>
    public bool ReleaseInputPages { get; init; }
}
