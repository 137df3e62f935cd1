using System.Runtime.InteropServices;

namespace Evolve.Merging.Execution;

/// <summary>
/// One float32 tensor in native memory (64-byte aligned, outside the GC heap, so ONNX Runtime can bind it without a
/// copy), reference counted: each weight-set generation holding it counts once; it is freed when the last lets go.
/// </summary>
internal sealed unsafe class NativeTensorBuffer
{
    private float* _data;
    private int _references = 1;

    public NativeTensorBuffer(long length)
    {
        Length = length;
        _data = (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, length * sizeof(float)), 64);
    }

    public long Length { get; }

    public nint Pointer => _data is null ? throw new ObjectDisposedException(nameof(NativeTensorBuffer)) : (nint)_data;

    public Span<float> Span => new(_data is null ? throw new ObjectDisposedException(nameof(NativeTensorBuffer)) : _data, checked((int)Length));

    public bool IsReleased => _data is null;

    internal void AddReference()
    {
        if (Interlocked.Increment(ref _references) <= 1)
            throw new InvalidOperationException("buffer already released");
    }

    internal void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left < 0) throw new InvalidOperationException("buffer released twice");
        if (left == 0)
        {
            NativeMemory.AlignedFree(_data);
            _data = null;
        }
    }
}
