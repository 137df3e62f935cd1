namespace Evolve.Onnx;

/// <summary>Where an initializer's bytes are: in the model file (raw_data or a typed field) or in an external-data file.</summary>
public enum InitializerStorage
{
    RawData,
    TypedField,
    External,
}

/// <summary>The external-data reference of one initializer, its location resolved against the model's folder.</summary>
public sealed record ExternalDataReference(string Location, string ResolvedPath, long Offset, long? Length);

/// <summary>A graph initializer (a stored tensor: a weight, a constant) as declared in the model file.</summary>
public sealed record OnnxInitializer(string Name, TensorElementType ElementType, long[] Dims, InitializerStorage Storage, ExternalDataReference? External)
{
    public long ElementCount => TensorElementTypes.ElementCount(Dims);

    public long ByteLength => ElementCount * ElementType.Size();

    public override string ToString() => $"{Name}: {ElementType.Describe()}{TensorElementTypes.FormatShape(Dims)}";
}
