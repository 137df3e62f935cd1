using Evolve.Proxy.Statistics;
using Evolve.Search;
using Evolve.Search.Store;

namespace Evolve.Tests.Search;

public class HallOfFameTests
{
    private static CandidateRecord Told(long id, double? fitness, CandidateStatus status = CandidateStatus.Ok) => new(
        id, id, [0.0], "r", "h", status, fitness is null ? "failed" : null,
        fitness is { } f ? new Interval(f, f - 0.1, f + 0.1, 10) : null, 10, new Dictionary<string, double>(), null);

    [Fact]
    public void Keeps_the_best_fully_evaluated_candidates_best_first_with_ties_to_the_earlier()
    {
        var hall = new HallOfFame(3);
        Assert.True(hall.Offer(Told(0, 0.5), []));
        Assert.True(hall.Offer(Told(1, 0.7), []));
        Assert.True(hall.Offer(Told(2, 0.6), []));
        Assert.False(hall.Offer(Told(3, 0.4), []));
        Assert.False(hall.Offer(Told(4, null, CandidateStatus.Failed), []));
        Assert.False(hall.Offer(Told(5, 0.9, CandidateStatus.RacedOut), []));
        Assert.True(hall.Offer(Told(6, 0.7), []));
        Assert.Equal([1L, 6, 2], hall.Ids);
        Assert.False(hall.Offer(Told(7, 0.6), []));
        Assert.Equal([1L, 6, 2], hall.Ids);
    }
}

public class PairedHallOfFameTests
{
    private static readonly FitnessItems EqualWeights = new(new Dictionary<string, double> { ["t"] = 1.0 });

    /// <summary>20 items of one 0/1 task, the first <paramref name="correct"/> right.</summary>
    private static (CandidateRecord, StoredItemScore[]) Scored(long id, int correct)
    {
        var items = Enumerable.Range(0, 20).Select(i => new StoredItemScore("t", $"item-{i:D2}", i < correct ? 1 : 0)).ToArray();
        var f = correct / 20.0;
        return (new CandidateRecord(id, id, [0.0], "r", "h", CandidateStatus.Ok, null, new Interval(f, f - 0.2, f + 0.2, 20), 20,
            new Dictionary<string, double>(), null), items);
    }

    private static bool Offer(HallOfFame hall, (CandidateRecord Record, StoredItemScore[] Items) c) => hall.Offer(c.Record, c.Items);

    [Fact]
    public void The_incumbent_changes_only_on_a_significant_paired_win_and_a_significantly_worse_candidate_is_refused()
    {
        var hall = new HallOfFame(5, EqualWeights);
        Assert.True(Offer(hall, Scored(0, 10)));
        Assert.Equal(0, hall.Incumbent!.Id);

        // A higher point estimate on one discordant item: McNemar p = 1, so it is a runner-up, not the incumbent.
        Assert.True(Offer(hall, Scored(1, 11)));
        Assert.Equal(1.0, hall.LastComparison!.PValue, 12);
        Assert.Equal(0, hall.Incumbent!.Id);
        Assert.Equal([0L, 1], hall.Ids);

        // 8 items only it gets right, none the other way: p = 2·(½)^8 = 0.0078 < 0.05, so it takes over.
        Assert.True(Offer(hall, Scored(2, 18)));
        Assert.Equal("mcnemar-exact", hall.LastComparison!.Test);
        Assert.Equal(2.0 / 256, hall.LastComparison.PValue, 12);
        Assert.Equal(2, hall.Incumbent!.Id);
        Assert.Equal([2L, 1, 0], hall.Ids);

        // 16 items the incumbent gets right and it does not: significantly worse, refused.
        Assert.False(Offer(hall, Scored(3, 2)));
        Assert.Equal([2L, 1, 0], hall.Ids);
    }

    [Fact]
    public void Item_values_weight_each_task_so_that_their_mean_is_the_weighted_fitness()
    {
        // Task a (weight 1) has 2 items, task b (weight 3) one: fitness = (1·mean_a + 3·b) / 4.
        var weighting = new FitnessItems(new Dictionary<string, double> { ["a"] = 1, ["b"] = 3 });
        var values = weighting.Values([new StoredItemScore("b", "x", 1), new StoredItemScore("a", "2", 0), new StoredItemScore("a", "1", 1)]);
        // c_a = 1·3/(2·4) = 0.375, c_b = 3·3/(1·4) = 2.25, ordered (a,1), (a,2), (b,x).
        Assert.Equal([0.375, 0.0, 2.25], values);
        Assert.Equal((1 * 0.5 + 3 * 1.0) / 4, values.Average(), 12);
    }
}
