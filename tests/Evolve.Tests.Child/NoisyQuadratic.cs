using Evolve.Proxy.Statistics;
using Evolve.Randomness;
using Evolve.Search;
using Evolve.Search.Genome;
using Evolve.Search.Store;

namespace Evolve.Tests.Child;

/// <summary>
/// A deterministic stand-in for merge + score: 8 item scores −Σ(x − c)² plus counter-based noise keyed by the genome,
/// their mean and a normal 95% interval. About one candidate in 13 throws and one in 13 returns NaN.
/// It also plays a cluster whose candidates finish at different times, deterministically: it holds every result until
/// the loop has its full quota out (<c>min(inFlight, candidates left)</c>), then finishes the pending candidate whose
/// hashed id is smallest. So completion order, and with it the whole run, is a function of the seed alone.
/// </summary>
internal sealed class NoisyQuadratic(int inFlight, long budget, long alreadyTold, int delayMs = 0) : ICandidateEvaluator
{
    public const int Items = 8;
    private readonly List<(long Id, TaskCompletionSource<CandidateEvaluation> Done, Func<CandidateEvaluation> Result)> _pending = [];
    private long _released = alreadyTold;

    public static double Optimum(int gene) => 0.3 + 0.05 * gene;

    public Task<CandidateEvaluation> EvaluateAsync(CandidateRequest request, CancellationToken cancellation)
    {
        var candidate = request.Candidate;
        // Continuations run inline on purpose: a release happens inside the loop's call, so the loop's own wrapper
        // task is complete before the loop next waits, and which candidates are done never depends on thread timing.
        var done = new TaskCompletionSource<CandidateEvaluation>();
        // A held result would never come once the loop stops asking: cancelled, the candidate ends as the loop expects.
        cancellation.Register(() => done.TrySetCanceled(cancellation));
        lock (_pending)
        {
            _pending.Add((candidate.Id, done, () => Score(candidate.Genome)));
            // At the end of the budget the quota shrinks with each release, so one registration may release several.
            while (_pending.Count > 0 && _pending.Count == Math.Min(inFlight, budget - _released))
            {
                var next = _pending.MinBy(p => CounterRandom.Hash(2024, (ulong)p.Id));
                _pending.Remove(next);
                _released++;
                if (delayMs > 0)
                    Thread.Sleep(delayMs);
                try
                {
                    next.Done.TrySetResult(next.Result());
                }
                catch (Exception e)
                {
                    next.Done.TrySetException(e);
                }
            }
        }
        return done.Task;
    }

    public static CandidateEvaluation Score(double[] genome)
    {
        var key = genome.Aggregate(17UL, (h, v) => CounterRandom.Hash(h, (ulong)BitConverter.DoubleToInt64Bits(v)));
        if (key % 13 == 0)
            throw new InvalidOperationException("synthetic ORT error");
        var distance = 0.0;
        for (var i = 0; i < genome.Length; i++)
            distance += (genome[i] - Optimum(i)) * (genome[i] - Optimum(i));
        var items = new StoredItemScore[Items];
        for (var k = 0; k < Items; k++)
        {
            var u1 = 1 - CounterRandom.ToUnitDouble(CounterRandom.Hash(key, (ulong)k, 1));
            var u2 = CounterRandom.ToUnitDouble(CounterRandom.Hash(key, (ulong)k, 2));
            var noise = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            items[k] = new StoredItemScore("quadratic", $"item-{k}", -distance + 0.01 * noise);
        }
        var mean = items.Average(s => s.Value);
        var sd = Math.Sqrt(items.Sum(s => (s.Value - mean) * (s.Value - mean)) / (Items - 1));
        var half = Interval.Z95 * sd / Math.Sqrt(Items);
        var estimate = key % 13 == 1 ? double.NaN : mean;
        return CandidateEvaluation.Scored(new Interval(estimate, mean - half, mean + half, Items), items,
            new Dictionary<string, double> { ["merge"] = 1.0, ["score"] = 2.0 });
    }
}
