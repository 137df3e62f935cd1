using Evolve.Merging.Kernels;

namespace Evolve.Tests.Merging;

/// <summary>
/// The executor's worker budget: a split tensor's parts each run once, on the caller and the idle workers only (the
/// threads at work never exceed the budget), and a part's exception reaches the caller as itself once all parts stopped.
/// </summary>
public sealed class WorkerBudgetTests
{
    [Fact]
    public void PartsRunOnceOnTheCallerAndTheIdleWorkersOnly()
    {
        // 4 workers, one busy with another tensor and one with this one (the caller): 2 idle to recruit.
        var budget = new WorkerBudget(4);
        budget.Enter();
        budget.Enter();
        var runs = new int[40];
        int active = 0, most = 0;
        budget.Run(runs.Length, part =>
        {
            int now = Interlocked.Increment(ref active);
            for (int seen = Volatile.Read(ref most); now > seen; seen = Volatile.Read(ref most))
                Interlocked.CompareExchange(ref most, now, seen);
            Thread.Sleep(5);
            Interlocked.Increment(ref runs[part]);
            Interlocked.Decrement(ref active);
        });
        Assert.All(runs, r => Assert.Equal(1, r));
        Assert.InRange(most, 2, 3);

        // The recruited workers went back: once the other tensor's worker leaves too, 3 are idle for the next split.
        budget.Leave();
        active = most = 0;
        budget.Run(runs.Length, part =>
        {
            int now = Interlocked.Increment(ref active);
            for (int seen = Volatile.Read(ref most); now > seen; seen = Volatile.Read(ref most))
                Interlocked.CompareExchange(ref most, now, seen);
            Thread.Sleep(5);
            Interlocked.Decrement(ref active);
        });
        Assert.InRange(most, 2, 4);
    }

    [Fact]
    public void APartsExceptionReachesTheCallerAsItselfAfterThePartsStopped()
    {
        var budget = new WorkerBudget(3);
        budget.Enter();
        int running = 0;
        var thrown = Assert.Throws<InvalidDataException>(() => budget.Run(30, part =>
        {
            Interlocked.Increment(ref running);
            Thread.Sleep(2);
            Interlocked.Decrement(ref running);
            if (part == 5) throw new InvalidDataException("part 5");
        }));
        Assert.Equal("part 5", thrown.Message);
        Assert.Equal(0, Volatile.Read(ref running));
    }
}
