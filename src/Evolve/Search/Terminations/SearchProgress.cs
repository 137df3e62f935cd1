namespace Evolve.Search.Terminations;

/// <summary>Where a search stands, as the terminations see it.</summary>
/// <param name="CandidatesDone">Candidates told (evaluated, failed or served from the archive).</param>
/// <param name="Generation">The optimizer's completed generations.</param>
/// <param name="Elapsed">Wall-clock time of this process's part of the run.</param>
/// <param name="BestFitness">The best fitness so far; −∞ before the first success.</param>
/// <param name="CandidatesSinceImprovement">Candidates told since the best last improved by more than the stagnation tolerance.</param>
internal sealed record SearchProgress(long CandidatesDone, int Generation, TimeSpan Elapsed, double BestFitness, long CandidatesSinceImprovement);
