using Evolve.Search.Genome;

namespace Evolve.Search;

/// <summary>
/// Turns a genome into a fitness: merge, bind, score (wired later to Merging/ and Proxy/). May complete candidates
/// in any order; an exception or a NaN fitness marks the candidate failed and the search goes on.
/// </summary>
internal interface ICandidateEvaluator
{
    Task<CandidateEvaluation> EvaluateAsync(Candidate candidate, CancellationToken cancellation);
}
