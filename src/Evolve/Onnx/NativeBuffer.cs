using System.Runtime.InteropServices;

namespace Evolve.Onnx;

/// <summary>
/// Native memory aligned to 64 bytes (a cache line, and what SIMD kernels and ORT's MLAS like). A SafeHandle so that
/// sessions and tensor values can hold a reference count on it: the memory is freed only after the last holder is done,
/// whatever order the owners are disposed in.
/// </summary>
internal sealed unsafe class NativeBuffer : SafeHandle
{
    public const int Alignment = 64;

    public NativeBuffer(long byteLength) : base(0, ownsHandle: true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteLength);
        if (byteLength > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(byteLength), "buffers above 2 GiB are not supported");
        SetHandle((nint)NativeMemory.AlignedAlloc((nuint)Math.Max(byteLength, 1), Alignment));
        ByteLength = byteLength;
        NativeMemory.Clear((void*)handle, (nuint)byteLength);
    }

    public long ByteLength { get; }

    public nint Pointer => handle;

    public override bool IsInvalid => handle == 0;

    public Span<byte> Bytes => new((void*)handle, (int)ByteLength);

    public Span<T> AsSpan<T>() where T : unmanaged => new((void*)handle, (int)(ByteLength / sizeof(T)));

    public static NativeBuffer CopyOf(ReadOnlySpan<byte> bytes)
    {
        var buffer = new NativeBuffer(bytes.Length);
        bytes.CopyTo(buffer.Bytes);
        return buffer;
    }

    public static NativeBuffer CopyOf<T>(ReadOnlySpan<T> values) where T : unmanaged => CopyOf(MemoryMarshal.AsBytes(values));

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        return true;
    }
}
