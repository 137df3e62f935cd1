namespace Evolve.Onnx;

/// <summary>A graph input value: name, element type and shape over a buffer this tensor owns.</summary>
internal sealed class NamedTensor(string name, TensorElementType elementType, long[] shape, NativeBuffer buffer) : IDisposable
{
    public string Name { get; } = name;
    public TensorElementType ElementType { get; } = elementType;
    public long[] Shape { get; } = shape;
    public NativeBuffer Buffer { get; } = buffer;

    public static NamedTensor Allocate(string name, TensorElementType elementType, long[] shape) =>
        new(name, elementType, shape, new NativeBuffer(TensorElementTypes.ElementCount(shape) * elementType.Size()));

    public void Dispose() => Buffer.Dispose();
}
