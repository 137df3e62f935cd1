using Evolve.Proxy;
using Evolve.Proxy.Racing;
using Evolve.Proxy.Scoring;
using static Evolve.Tests.Proxy.ScoringMathTests;

namespace Evolve.Tests.Proxy;

/// <summary>
/// Racing on the bigram model, whose greedy generation of prompt "" is "ab" and of prompt "a" is "b": items
/// answered "ab" score 1, items answered "b" after prompt "" score 0, so the candidate's full-set mean is fixed by
/// construction.
/// </summary>
public class RacingScorerTests
{
    private static ProxyItem[] Items(int right, int wrong) =>
        Enumerable.Range(0, right).Select(i => new ProxyItem($"r{i}", "t", "", "ab", null, null, 1, "t"))
            .Concat(Enumerable.Range(0, wrong).Select(i => new ProxyItem($"w{i}", "t", "", "b", null, null, 1, "t"))).ToArray();

    [Fact]
    public void A_hopeless_candidate_is_stopped_early_and_the_items_saved_are_reported()
    {
        var scorer = new ProxyScorer(new CharCodec(), Items(2, 98), new ScoringOptions(), _ => new() { MaxNewTokens = 3 });
        var result = RacingScorer.Run(scorer, new BigramLm(Table), incumbentFitness: 0.9, new RaceSettings(Seed: 3));
        Assert.True(result.Stopped);
        Assert.Equal(100 - result.Scored.Count, result.ItemsSaved);
        Assert.True(result.ItemsSaved >= 50, $"saved only {result.ItemsSaved}");
    }

    [Fact]
    public void A_candidate_the_full_set_ranks_first_is_never_dropped_whatever_the_order()
    {
        // Full-set mean 0.55 against an incumbent at 0.5: the candidate must win on every seed's order.
        var scorer = new ProxyScorer(new CharCodec(), Items(33, 27), new ScoringOptions(), _ => new() { MaxNewTokens = 3 });
        for (ulong seed = 0; seed < 20; seed++)
        {
            var result = RacingScorer.Run(scorer, new BigramLm(Table), incumbentFitness: 0.5, new RaceSettings(Seed: seed, MinItems: 5, LookEvery: 1));
            Assert.False(result.Stopped, $"seed {seed}");
            Assert.Equal(60, result.Scored.Count);
            Assert.Equal(0.55, result.Scored.Average(s => s.Score), 12);
        }
    }
}
