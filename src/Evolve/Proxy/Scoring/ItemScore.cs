namespace Evolve.Proxy.Scoring;

/// <summary>
/// One item's outcome: <see cref="Score"/> under its task's metric (0/1, or the log-likelihood itself), the mean
/// per-token log-likelihood of the reference answer (of the right choice, for multiple choice; NaN for a regex), and the greedy
/// generation when the metric asked for one.
/// </summary>
public sealed record ItemScore(string Id, string Task, double Score, double LogLikelihood, string? Generated);
