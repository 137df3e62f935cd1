namespace Evolve.Onnx;

/// <summary>One dimension of a graph input or output: a fixed size, a symbolic name, or neither (unknown).</summary>
public readonly record struct OnnxDim(long? Value, string? Symbol)
{
    public override string ToString() => Value?.ToString() ?? Symbol ?? "?";
}

/// <summary>A graph input or output as the model file declares it.</summary>
public sealed record OnnxValueInfo(string Name, TensorElementType ElementType, IReadOnlyList<OnnxDim> Dims)
{
    public override string ToString() => $"{Name}: {ElementType.Describe()}[{string.Join(",", Dims)}]";
}
