namespace Evolve.Search.Store;

/// <summary>
/// What identifies a run: its search space text, seed, optimizer, the tool version that started it, when, and its
/// settings as JSON (<see cref="RunSettings"/>; "{}" for runs that need none, such as tests of the store).
/// </summary>
internal sealed record RunInfo(string SearchSpace, ulong Seed, string Optimizer, string ToolVersion, DateTimeOffset Created, string Settings = "{}");
