namespace Evolve.Proxy.Scoring;

/// <summary>One item's outcome: greedy exact match, teacher-forced answer log-likelihood, and what was generated.</summary>
public sealed record ItemScore(string Id, string Task, bool Exact, double LogLikelihood, string Generated);
