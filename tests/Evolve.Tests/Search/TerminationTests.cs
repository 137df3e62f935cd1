using Evolve.Search.Terminations;

namespace Evolve.Tests.Search;

public class TerminationTests
{
    private static SearchProgress At(long done = 0, int generation = 0, double minutes = 0, long stale = 0) =>
        new(done, generation, TimeSpan.FromMinutes(minutes), 0.5, stale);

    [Fact]
    public void Each_termination_fires_at_its_limit_and_the_composite_reports_the_first_that_fires()
    {
        Assert.Null(new CandidateBudget(300).Check(At(done: 299)));
        Assert.Equal("evaluated the budget of 300 candidates", new CandidateBudget(300).Check(At(done: 300)));
        Assert.Null(new GenerationLimit(10).Check(At(generation: 9)));
        Assert.Equal("reached 10 generations", new GenerationLimit(10).Check(At(generation: 10)));
        Assert.Null(new WallClockLimit(TimeSpan.FromHours(8)).Check(At(minutes: 479)));
        Assert.NotNull(new WallClockLimit(TimeSpan.FromHours(8)).Check(At(minutes: 480)));
        Assert.Null(new StagnationLimit(50).Check(At(stale: 49)));
        Assert.Equal("no improvement in the last 50 candidates", new StagnationLimit(50).Check(At(stale: 50)));
        var any = new AnyTermination(new CandidateBudget(300), new StagnationLimit(50));
        Assert.Null(any.Check(At(done: 100, stale: 10)));
        Assert.Equal("no improvement in the last 50 candidates", any.Check(At(done: 100, stale: 60)));
    }
}
