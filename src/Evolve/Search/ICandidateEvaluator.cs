using Evolve.Search.Genome;

namespace Evolve.Search;

/// <summary>
/// A candidate to evaluate: its genome, the canonical recipe text it decodes to, and the incumbent it must beat
/// (racing's target; null before the hall of fame has one).
/// </summary>
internal sealed record CandidateRequest(Candidate Candidate, string Recipe, HallMember? Incumbent);

/// <summary>
/// Turns a candidate into a fitness: merge, bind, score. May complete candidates in any order; an exception or a
/// NaN fitness marks the candidate failed and the search goes on. The loop awaits every evaluation it started before
/// it returns (its caller then disposes the evaluator), so a task must end once its token is cancelled; work already
/// running may finish first.
/// </summary>
internal interface ICandidateEvaluator
{
    Task<CandidateEvaluation> EvaluateAsync(CandidateRequest request, CancellationToken cancellation);
}
