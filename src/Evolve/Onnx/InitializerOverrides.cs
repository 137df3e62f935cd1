namespace Evolve.Onnx;

/// <summary>One initializer replacement: our buffer, in the initializer's dtype and shape.</summary>
internal sealed record InitializerOverride(string Name, NativeBuffer Buffer, TensorElementType ElementType, long[] Shape);

/// <summary>
/// Initializer replacements for AddInitializer, each checked against the graph's own initializer list (name, dtype,
/// shape, buffer size) before ORT sees it (reference/ort-binding.md §5: ORT ignores unknown names and defers shape errors).
/// </summary>
internal sealed class InitializerOverrides(OnnxModel graph)
{
    private readonly List<InitializerOverride> items = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    public IReadOnlyList<InitializerOverride> Items => items;

    public OnnxModel Graph => graph;

    public void Add(string name, NativeBuffer buffer, TensorElementType elementType, long[] shape)
    {
        var location = $"{graph.Path}: initializer '{name}'";
        if (!graph.TryGetInitializer(name, out var initializer))
        {
            var why = graph.IsGraphInput(name) ? "is a graph input, not an initializer" : "does not exist in the graph";
            throw new InitializerOverrideException(location, why, "Bind weights only to initializers the graph declares");
        }
        if (elementType != initializer.ElementType)
            throw new InitializerOverrideException(location, $"is {initializer.ElementType.Describe()}, but the replacement is {elementType.Describe()}",
                $"Convert the weight to {initializer.ElementType.Describe()} first");
        if (!shape.AsSpan().SequenceEqual(initializer.Dims))
            throw new InitializerOverrideException(location,
                $"has shape {TensorElementTypes.FormatShape(initializer.Dims)}, but the replacement has shape {TensorElementTypes.FormatShape(shape)}",
                "Transpose or reshape the weight to the graph's layout");
        if (buffer.ByteLength < initializer.ByteLength)
            throw new InitializerOverrideException(location, $"needs {initializer.ByteLength} bytes, but the replacement buffer holds {buffer.ByteLength}");
        if (!names.Add(name))
            throw new InitializerOverrideException(location, "is replaced twice");
        items.Add(new InitializerOverride(name, buffer, elementType, shape));
    }
}
