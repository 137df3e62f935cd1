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
        Assert.True(hall.Offer(Told(0, 0.5)));
        Assert.True(hall.Offer(Told(1, 0.7)));
        Assert.True(hall.Offer(Told(2, 0.6)));
        Assert.False(hall.Offer(Told(3, 0.4)));
        Assert.False(hall.Offer(Told(4, null, CandidateStatus.Failed)));
        Assert.False(hall.Offer(Told(5, 0.9, CandidateStatus.RacedOut)));
        Assert.True(hall.Offer(Told(6, 0.7)));
        Assert.Equal([1L, 6, 2], hall.Ids);
        Assert.False(hall.Offer(Told(7, 0.6)));
        Assert.Equal([1L, 6, 2], hall.Ids);
    }
}
