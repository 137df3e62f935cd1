namespace Evolve.Reporting;

/// <summary>One parameter's resolved values over layers: a row per (model, module group) or per group for a global parameter, a column per layer.</summary>
internal sealed record GeneMap(string Parameter, IReadOnlyList<string> Rows, int Layers, double?[][] Values);
