using Evolve.Merging.Kernels;

namespace Evolve.Tests.Merging;

/// <summary>
/// The pool of freed native blocks: a block given back serves the next request of about its size (at least the
/// request, at most twice it) at the same address, and a request it cannot serve gets a block of its own. Sizes of
/// tens of MiB, which no other test asks for while this one runs.
/// </summary>
public sealed unsafe class NativeBlockPoolTests
{
    [Fact]
    public void AGivenBackBlockServesTheNextRequestOfAboutItsSize()
    {
        const long size = (48L << 20) + 12_345;
        var first = NativeBlockPool.Rent(size, out long capacity);
        Assert.Equal(size, capacity);
        NativeBlockPool.Return(first, capacity);

        // More than half its size: the same block, whole.
        var again = NativeBlockPool.Rent(size / 2 + 1, out long reused);
        Assert.Equal((nint)first, (nint)again);
        Assert.Equal(size, reused);

        // While it is out, a request gets a block of its own; given back, the smaller one serves a request below half the larger's size.
        var other = NativeBlockPool.Rent(size / 3, out long otherCapacity);
        Assert.NotEqual((nint)again, (nint)other);
        Assert.Equal(size / 3, otherCapacity);
        NativeBlockPool.Return(other, otherCapacity);
        NativeBlockPool.Return(again, reused);
        var small = NativeBlockPool.Rent(size / 3, out long smallCapacity);
        Assert.Equal((nint)other, (nint)small);
        Assert.Equal(size / 3, smallCapacity);
        NativeBlockPool.Return(small, smallCapacity);
    }
}
