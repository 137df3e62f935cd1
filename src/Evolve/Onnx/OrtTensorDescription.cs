namespace Evolve.Onnx;

/// <summary>A session input or output as ORT reports it: dims are -1 where dynamic, with the symbolic name when the graph gives one.</summary>
public sealed record OrtTensorDescription(string Name, TensorElementType ElementType, long[] Dims, string[] SymbolicDims)
{
    public override string ToString() =>
        $"{Name}: {ElementType.Describe()}[{string.Join(",", Dims.Select((d, i) => d >= 0 ? d.ToString() : SymbolicDims[i] is { Length: > 0 } s ? s : "?"))}]";
}
