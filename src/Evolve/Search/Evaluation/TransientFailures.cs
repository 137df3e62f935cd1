using Evolve.Onnx;
using Polly;
using Polly.Retry;

namespace Evolve.Search.Evaluation;

/// <summary>
/// Which evaluation failures are worth a retry, and the retry pipeline (Polly). Transient means the same candidate
/// may succeed a moment later because the cause lies outside the recipe:
/// <list type="bullet">
/// <item>out of memory (<see cref="OutOfMemoryException"/>, <see cref="InsufficientMemoryException"/>, or ORT failing
/// to allocate): other candidates in flight hold weight generations and ORT arenas that are freed as they finish;
/// the retry waits and compacts the heap first.</item>
/// <item><see cref="IOException"/> other than a missing file: a read from a network or overlay file system that
/// hiccupped.</item>
/// </list>
/// Everything else is a property of the candidate and would fail identically again: NaN/Inf weights, a recipe the
/// planner rejects, ORT refusing the graph or an argument (InvalidArgument, InvalidGraph, NotImplemented), a shape
/// mismatch. Those fail at once, and so does a transient failure that outlasts the retries.
/// </summary>
internal static class TransientFailures
{
    public static bool IsTransient(Exception e) => e switch
    {
        OutOfMemoryException or InsufficientMemoryException => true,
        FileNotFoundException or DirectoryNotFoundException => false,
        IOException => true,
        OrtException ort => IsOrtOutOfMemory(ort),
        _ => false,
    };

    /// <summary>ORT's allocation failures (CPU arena, CUDA's BFC arena) come as Fail/RuntimeException/EP failures with these words.</summary>
    private static bool IsOrtOutOfMemory(OrtException e) =>
        e.Code is OrtErrorCode.Fail or OrtErrorCode.RuntimeException or OrtErrorCode.EngineError or OrtErrorCode.ExecutionProviderFailure
        && (e.OrtMessage.Contains("allocate", StringComparison.OrdinalIgnoreCase)
            || e.OrtMessage.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
            || e.OrtMessage.Contains("bad_alloc", StringComparison.OrdinalIgnoreCase));

    public static ResiliencePipeline Pipeline(int maxRetries, TimeSpan delay, Action<Exception, int>? retrying = null)
    {
        if (maxRetries == 0)
            return ResiliencePipeline.Empty;
        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = maxRetries,
                Delay = delay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is OutOfMemoryException or InsufficientMemoryException)
                        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    retrying?.Invoke(args.Outcome.Exception!, args.AttemptNumber + 1);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }
}
