using System.Runtime.InteropServices;
using Evolve.Onnx.Native;

namespace Evolve.Onnx;

/// <summary>
/// An OrtValue holding a tensor: either over our own <see cref="NativeBuffer"/> (zero copy; the value holds a
/// reference on the buffer, so the memory outlives the value) or one ONNX Runtime allocated for an output.
/// </summary>
internal sealed unsafe class OrtTensor : SafeHandle
{
    private readonly NativeBuffer? memory;

    private OrtTensor(nint value, NativeBuffer? memory) : base(0, ownsHandle: true)
    {
        SetHandle(value);
        this.memory = memory;
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>Wraps <paramref name="buffer"/> without copying it.</summary>
    public static OrtTensor Over(NativeBuffer buffer, TensorElementType type, ReadOnlySpan<long> shape)
    {
        var needed = TensorElementTypes.ElementCount(shape) * type.Size();
        if (type.Size() == 0) throw new ArgumentException($"{type} tensors cannot wrap a buffer", nameof(type));
        if (buffer.ByteLength < needed)
            throw new ArgumentException($"buffer of {buffer.ByteLength} bytes is smaller than {type.Describe()}{TensorElementTypes.FormatShape(shape)} ({needed} bytes)", nameof(buffer));
        var added = false;
        buffer.DangerousAddRef(ref added);
        try
        {
            var value = OrtApi.CreateTensorWithData(OrtEnvironment.CpuMemoryInfo, buffer.Pointer, (nuint)needed, shape, (int)type);
            return new OrtTensor(value, buffer);
        }
        catch
        {
            buffer.DangerousRelease();
            throw;
        }
    }

    /// <summary>Takes ownership of a value ONNX Runtime returned.</summary>
    public static OrtTensor Owning(nint value) => new(value, null);

    public nint Value => handle;

    /// <summary>Our buffer under the value; null for a value ORT allocated.</summary>
    public NativeBuffer? Memory => memory;

    public TensorElementType ElementType => (TensorElementType)OrtApi.TensorTypeAndShape(handle).ElementType;

    public long[] Shape => OrtApi.TensorTypeAndShape(handle).Shape;

    /// <summary>The tensor's bytes, valid while this value lives.</summary>
    public ReadOnlySpan<byte> Bytes
    {
        get
        {
            var (type, shape) = OrtApi.TensorTypeAndShape(handle);
            var length = TensorElementTypes.ElementCount(shape) * ((TensorElementType)type).Size();
            return new ReadOnlySpan<byte>((void*)OrtApi.TensorData(handle), checked((int)length));
        }
    }

    /// <summary>Copies a float32, float16 or bfloat16 tensor out as float32.</summary>
    public float[] ToFloat32() => ElementType.ToFloat32(Bytes);

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseValue(handle);
        memory?.DangerousRelease();
        return true;
    }
}
