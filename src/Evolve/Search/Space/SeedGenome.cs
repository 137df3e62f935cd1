namespace Evolve.Search.Space;

/// <summary>A starting individual: where it comes from (one line for logs and the run store) and its gene values (inside every gene's bounds).</summary>
internal sealed record SeedGenome(string Origin, double[] Genome);
