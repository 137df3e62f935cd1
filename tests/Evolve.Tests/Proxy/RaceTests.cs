using Evolve.Proxy.Racing;
using Evolve.Randomness;

namespace Evolve.Tests.Proxy;

public class RaceTests
{
    [Fact]
    public void Upper_bound_is_hoeffding_serfling_with_a_union_bound_over_looks()
    {
        // k = 50 of N = 100, 30 right, range [0, 1], δ = 0.05 over (100 − 10)/5 + 1 = 19 looks:
        // ρ = min(1 − 49/100, (1 − 0.5)(1 + 1/50)) = 0.51; 0.6 + sqrt(0.51 · ln(19/0.05) / 100) = 0.774054…
        var race = new Race(incumbentMean: 0.8, itemCount: 100, low: 0, high: 1);
        var scores = Enumerable.Range(0, 50).Select(i => i < 30 ? 1.0 : 0.0).ToArray();
        Assert.Equal(0.7740542254266589, race.UpperBound(scores), 12);
        Assert.True(race.ShouldStop(scores));
        Assert.False(new Race(0.77, 100, 0, 1).ShouldStop(scores));
    }

    [Fact]
    public void The_certain_bound_applies_when_the_rest_cannot_help()
    {
        // 0 right out of 99: one more right gives at most 0.01, below Hoeffding–Serfling's 0.0174 there.
        var race = new Race(incumbentMean: 0.1, itemCount: 100, low: 0, high: 1);
        Assert.Equal(0.01, race.UpperBound(new double[99]), 12);
    }

    [Fact]
    public void A_late_bloomer_that_wins_on_the_full_set_is_never_dropped_while_a_fixed_cut_would_drop_it()
    {
        // Incumbent: 60/100. Candidate: 12/30 on the first 30 items of the order, then 53/70: 65/100 overall.
        var candidate = Enumerable.Range(0, 100).Select(i => i < 30 ? (i % 5 < 2 ? 1.0 : 0) : (i - 30 < 53 ? 1.0 : 0)).ToArray();
        Assert.Equal(65, candidate.Sum());
        var race = new Race(incumbentMean: 0.60, itemCount: 100, low: 0, high: 1);
        for (var k = 1; k < 100; k++)
            Assert.False(race.ShouldStop(candidate.AsSpan(0, k)), $"dropped after {k} items");
        Assert.True(candidate.Take(30).Average() < 0.60);
    }

    [Fact]
    public void A_clearly_worse_candidate_is_dropped_early()
    {
        var candidate = Enumerable.Range(0, 100).Select(i => i % 5 == 0 ? 1.0 : 0).ToArray();
        var race = new Race(incumbentMean: 0.60, itemCount: 100, low: 0, high: 1);
        var stoppedAt = Enumerable.Range(1, 99).First(k => race.ShouldStop(candidate.AsSpan(0, k)));
        // At k = 20: 0.2 + sqrt(ρ·ln(19/0.05)/40) with ρ = 0.81 gives 0.5468 < 0.6; at k = 15 it is 0.6127.
        Assert.Equal(20, stoppedAt);
    }

    [Fact]
    public void No_full_set_winner_is_dropped_over_many_seeded_arrangements()
    {
        // 300 candidates whose full-set accuracy beats the incumbent's 0.55 by at least one item, each scored in
        // its own random item order: none may be dropped.
        for (var c = 0UL; c < 300; c++)
        {
            var right = 56 + CounterRandom.ToIndex(CounterRandom.Hash(c, 1), 20);
            var scores = new double[100];
            for (var i = 0; i < right; i++) scores[i] = 1;
            var ordered = ItemOrder.Permutation(100, c).Select(i => scores[i]).ToArray();
            var race = new Race(0.55, 100, 0, 1);
            for (var k = 1; k < 100; k++)
                Assert.False(race.ShouldStop(ordered.AsSpan(0, k)), $"candidate {c} ({right}/100) dropped after {k}");
        }
    }

    [Fact]
    public void Item_order_is_a_seeded_permutation()
    {
        var a = ItemOrder.Permutation(50, 3);
        Assert.Equal(Enumerable.Range(0, 50), a.Order());
        Assert.Equal(a, ItemOrder.Permutation(50, 3));
        Assert.NotEqual(a, ItemOrder.Permutation(50, 4));
    }
}
