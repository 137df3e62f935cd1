using Evolve.Proxy.Scoring;
using Evolve.Proxy.Statistics;

namespace Evolve.Sweeps;

/// <summary>One grid value, its recipe file, its task scores (with the per-item scores) and its fitness with a 95% CI.</summary>
internal sealed record SweepPoint(double X, string Recipe, IReadOnlyList<TaskScore> Tasks, Interval Fitness);
