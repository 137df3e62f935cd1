using Evolve.Merging.Execution;

namespace Evolve.Export;

/// <summary>What <c>evolve export</c> writes: the recipe of hall-of-fame <see cref="Rank"/> (1 = the winner), and with <see cref="Merge"/> the merged checkpoint.</summary>
internal sealed record ExportOptions
{
    public int Rank { get; init; } = 1;

    public bool Merge { get; init; }

    public int Threads { get; init; } = Environment.ProcessorCount;

    public IProgress<MergeProgress>? MergeProgress { get; init; }
}
