namespace Evolve.Merging.Kernels;

/// <summary>
/// The executor's worker threads as a budget shared by the tensors in flight: a worker computing a tensor holds one
/// (<see cref="Enter"/>, <see cref="Leave"/>), and a tensor split into parts (<see cref="Run"/>) recruits the idle
/// ones while parts are left, so a large tensor computed last no longer keeps one thread busy while the others wait;
/// a recruit gives its slot back at the end of a part once a worker entering a tensor needs it, so the threads at work
/// exceed the budget for at most a part.
/// </summary>
internal sealed class WorkerBudget(int workers)
{
    private int _idle = Math.Max(1, workers);

    /// <summary>A worker starts on a tensor.</summary>
    public void Enter() => Interlocked.Decrement(ref _idle);

    /// <summary>A worker is done with a tensor.</summary>
    public void Leave() => Interlocked.Increment(ref _idle);

    /// <summary>
    /// Runs <paramref name="body"/> for parts [0, <paramref name="count"/>): on the calling thread, and on idle
    /// workers recruited before each part the caller takes, as long as parts are left. Returns once every part is
    /// done; an exception of any part is thrown after the others have stopped.
    /// </summary>
    public void Run(int count, Action<int> body)
    {
        int next = -1, recruited = 0;
        var helpers = new List<Task>();
        // A recruit stops when workers entering tensors meanwhile have spent its slot, so that it gives it back.
        void Work()
        {
            for (int part; Volatile.Read(ref _idle) >= 0 && (part = Interlocked.Increment(ref next)) < count;) body(part);
        }
        Exception? failure = null;
        try
        {
            for (int part; (part = Interlocked.Increment(ref next)) < count;)
            {
                // A thread of its own for each recruit: the pool's threads may all be blocked in callers like this one.
                for (int left = count - 1 - part; recruited < left && TryTakeIdle(); recruited++)
                    helpers.Add(Task.Factory.StartNew(() =>
                    {
                        try
                        {
                            Work();
                        }
                        finally
                        {
                            Leave();
                        }
                    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
                body(part);
            }
        }
        catch (Exception e)
        {
            failure = e;
            Volatile.Write(ref next, count);
        }
        // The parts share the caller's state: none may still run when the caller unwinds.
        foreach (var helper in helpers)
        {
            try
            {
                helper.Wait();
            }
            catch (AggregateException e)
            {
                failure ??= e.InnerException;
            }
        }
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    private bool TryTakeIdle()
    {
        for (int idle = Volatile.Read(ref _idle); idle > 0; idle = Volatile.Read(ref _idle))
            if (Interlocked.CompareExchange(ref _idle, idle - 1, idle) == idle) return true;
        return false;
    }
}
