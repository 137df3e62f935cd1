namespace Evolve.Search.Store;

/// <summary>What identifies a run: its search space text, seed, optimizer, the tool version that started it, and when.</summary>
internal sealed record RunInfo(string SearchSpace, ulong Seed, string Optimizer, string ToolVersion, DateTimeOffset Created);
