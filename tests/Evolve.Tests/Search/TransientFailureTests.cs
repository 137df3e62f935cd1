using Evolve.Onnx;
using Evolve.Search.Evaluation;

namespace Evolve.Tests.Search;

public class TransientFailureTests
{
    [Fact]
    public void Out_of_memory_and_io_hiccups_are_transient_and_failures_of_the_candidate_are_not()
    {
        Assert.True(TransientFailures.IsTransient(new OutOfMemoryException()));
        Assert.True(TransientFailures.IsTransient(new InsufficientMemoryException()));
        Assert.True(TransientFailures.IsTransient(new IOException("Input/output error")));
        Assert.True(TransientFailures.IsTransient(new OrtException(OrtErrorCode.RuntimeException, "Run", "Failed to allocate memory for requested buffer of size 4096")));
        Assert.False(TransientFailures.IsTransient(new FileNotFoundException("gone")));
        Assert.False(TransientFailures.IsTransient(new OrtException(OrtErrorCode.InvalidArgument, "Run", "Got invalid dimensions for input")));
        Assert.False(TransientFailures.IsTransient(new NonFiniteWeightsException("merged tensor x holds NaN at element 0")));
    }

    [Fact]
    public void A_transient_failure_is_retried_until_it_passes_and_a_permanent_one_is_not_retried()
    {
        var pipeline = TransientFailures.Pipeline(2, TimeSpan.FromMilliseconds(1));
        var attempts = 0;
        var result = pipeline.Execute(() => ++attempts < 3 ? throw new OutOfMemoryException() : attempts);
        Assert.Equal(3, result);

        attempts = 0;
        Assert.Throws<OutOfMemoryException>(() => pipeline.Execute(() => { attempts++; throw new OutOfMemoryException(); }));
        Assert.Equal(3, attempts);

        attempts = 0;
        Assert.Throws<NonFiniteWeightsException>(() => pipeline.Execute(() => { attempts++; throw new NonFiniteWeightsException("NaN"); }));
        Assert.Equal(1, attempts);
    }
}
