namespace Evolve.Search.Genome;

/// <summary>
/// A genome an optimizer asked to be evaluated. <see cref="Id"/> numbers asks from 0 in order; a tell answers
/// that id, so candidates may be told in any order (asynchronous steady-state evaluation).
/// </summary>
internal sealed record Candidate(long Id, double[] Genome);
