using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using Evolve.Onnx.Proto;
using Google.Protobuf;

namespace Evolve.Onnx;

/// <summary>
/// An ONNX model file read with our own subset of onnx.proto: graph inputs and outputs, initializers and where their
/// bytes live (raw_data, typed fields, external data resolved against the model's folder). Everything the subset does
/// not declare (nodes, attributes, functions, metadata) is carried as unknown fields, so rewrites leave it untouched.
/// </summary>
internal sealed class OnnxModel
{
    private readonly ModelProto proto;
    private readonly Dictionary<string, TensorProto> initializerProtos;
    private readonly Dictionary<string, OnnxInitializer> initializerIndex;

    private OnnxModel(string path, ModelProto proto)
    {
        Path = path;
        Directory = System.IO.Path.GetDirectoryName(path) ?? ".";
        this.proto = proto;
        var graph = proto.Graph ?? throw new OnnxModelException(path, "holds no graph", "Export the model again");
        Inputs = graph.Input.Select(ToValueInfo).ToArray();
        Outputs = graph.Output.Select(ToValueInfo).ToArray();
        initializerProtos = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        var initializers = new List<OnnxInitializer>(graph.Initializer.Count);
        foreach (var tensor in graph.Initializer)
        {
            var initializer = ToInitializer(tensor);
            if (!initializerProtos.TryAdd(tensor.Name, tensor))
                throw new OnnxModelException(path, $"declares initializer '{tensor.Name}' twice", "Export the model again");
            initializers.Add(initializer);
        }
        Initializers = initializers;
        initializerIndex = initializers.ToDictionary(i => i.Name, StringComparer.Ordinal);
    }

    /// <summary>The model file (absolute path).</summary>
    public string Path { get; }

    /// <summary>The folder external-data locations are resolved against.</summary>
    public string Directory { get; }

    public IReadOnlyList<OnnxValueInfo> Inputs { get; }
    public IReadOnlyList<OnnxValueInfo> Outputs { get; }
    public IReadOnlyList<OnnxInitializer> Initializers { get; }

    /// <summary>The graph's nodes as their serialized NodeProto records, in order (the subset leaves nodes undeclared).</summary>
    public IReadOnlyList<ByteString> NodeRecords() => GraphNodeRecords(proto.Graph.ToByteString());

    /// <summary>The field-1 (node) records of a serialized GraphProto.</summary>
    public static List<ByteString> GraphNodeRecords(ByteString graph)
    {
        var nodes = new List<ByteString>();
        var input = graph.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                nodes.Add(input.ReadBytes());
            else
                input.SkipLastField();
        }
        return nodes;
    }

    public static OnnxModel Load(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new OnnxModelException(path, "does not exist", "Give the path of an .onnx file");
        ModelProto proto;
        try
        {
            using var stream = File.OpenRead(path);
            proto = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxModelException(path, $"is not a valid ONNX model ({e.Message})", "Give the path of a complete .onnx file", inner: e);
        }
        return new OnnxModel(path, proto);
    }

    public bool TryGetInitializer(string name, out OnnxInitializer initializer) => initializerIndex.TryGetValue(name, out initializer!);

    public OnnxInitializer GetInitializer(string name) =>
        initializerIndex.TryGetValue(name, out var initializer) ? initializer
            : throw new OnnxModelException($"{Path}: initializer '{name}'", "does not exist in the graph");

    public bool IsGraphInput(string name) => Inputs.Any(i => i.Name == name);

    /// <summary>The initializer's bytes in its own dtype, little-endian, row-major.</summary>
    public ReadOnlyMemory<byte> ReadBytes(OnnxInitializer initializer)
    {
        var tensor = initializerProtos[initializer.Name];
        return initializer.Storage switch
        {
            InitializerStorage.RawData => tensor.RawData.Memory,
            InitializerStorage.TypedField => TypedFieldBytes(tensor, initializer),
            _ => ReadExternal(initializer),
        };
    }

    public float[] ReadFloat32(OnnxInitializer initializer)
    {
        if (initializer.ElementType is not (TensorElementType.Float or TensorElementType.Float16 or TensorElementType.BFloat16))
            throw new OnnxModelException($"{Path}: initializer '{initializer.Name}'", $"is {initializer.ElementType.Describe()}, not a floating-point tensor");
        return initializer.ElementType.ToFloat32(ReadBytes(initializer).Span);
    }

    /// <summary>
    /// The model with <paramref name="names"/> turned from initializers into graph inputs (same name, dtype and
    /// shape), nodes untouched, and every other external-data initializer inlined so the bytes load from memory.
    /// </summary>
    public byte[] WithInitializersAsInputs(IReadOnlyCollection<string> names)
    {
        var model = proto.Clone();
        var graph = model.Graph;
        var moved = names.ToHashSet(StringComparer.Ordinal);
        var kept = new List<TensorProto>(graph.Initializer.Count);
        foreach (var tensor in graph.Initializer)
        {
            if (!moved.Contains(tensor.Name))
            {
                kept.Add(InlinedIfExternal(tensor));
                continue;
            }
            if (!graph.Input.Any(i => i.Name == tensor.Name))
                graph.Input.Add(InputFor(tensor));
        }
        if (kept.Count + moved.Count != graph.Initializer.Count)
            throw new ArgumentException("every name must be an initializer of the graph", nameof(names));
        graph.Initializer.Clear();
        graph.Initializer.AddRange(kept);
        return model.ToByteArray();
    }

    /// <summary>
    /// Writes the model into <paramref name="directory"/> with <paramref name="names"/> stored as external data in one
    /// side file (64-byte aligned offsets) and every other initializer inlined, so the folder stands alone and ORT
    /// neither parses nor keeps the named weights when each is overridden with AddInitializer. With
    /// <paramref name="replacement"/>, the named initializers take its bytes (graph dtype and layout) instead of their
    /// own: the graph then carries another weight set of the same architecture.
    /// </summary>
    public string WriteWithExternalInitializers(IReadOnlyCollection<string> names, string directory, string fileName = "model.onnx",
        Func<OnnxInitializer, ReadOnlyMemory<byte>>? replacement = null)
    {
        var weightsFile = fileName + ".data";
        var model = proto.Clone();
        var graph = model.Graph;
        var external = names.ToHashSet(StringComparer.Ordinal);
        var modelPath = System.IO.Path.Combine(directory, fileName);
        using (var weights = new FileStream(System.IO.Path.Combine(directory, weightsFile), FileMode.Create, FileAccess.Write))
        {
            var rewritten = new List<TensorProto>(graph.Initializer.Count);
            foreach (var tensor in graph.Initializer)
            {
                if (!external.Contains(tensor.Name))
                {
                    rewritten.Add(InlinedIfExternal(tensor));
                    continue;
                }
                var initializer = initializerIndex[tensor.Name];
                var bytes = (replacement ?? ReadBytes)(initializer).Span;
                if (bytes.Length != initializer.ByteLength)
                    throw new ArgumentException($"{tensor.Name}: {bytes.Length} bytes given for a {initializer.ByteLength}-byte initializer", nameof(replacement));
                var offset = (weights.Position + NativeBuffer.Alignment - 1) / NativeBuffer.Alignment * NativeBuffer.Alignment;
                weights.Position = offset;
                weights.Write(bytes);
                var stripped = WithoutData(tensor);
                stripped.DataLocation = TensorProto.Types.DataLocation.External;
                stripped.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = weightsFile });
                stripped.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(CultureInfo.InvariantCulture) });
                stripped.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = bytes.Length.ToString(CultureInfo.InvariantCulture) });
                rewritten.Add(stripped);
            }
            graph.Initializer.Clear();
            graph.Initializer.AddRange(rewritten);
        }
        using (var output = File.Create(modelPath))
            model.WriteTo(output);
        return modelPath;
    }

    /// <summary>The model serialized again, unchanged (the round trip that must keep every undeclared field).</summary>
    public byte[] Serialize() => proto.ToByteArray();

    private TensorProto InlinedIfExternal(TensorProto tensor)
    {
        var initializer = initializerIndex[tensor.Name];
        if (initializer.Storage != InitializerStorage.External) return tensor;
        var inlined = WithoutData(tensor);
        inlined.RawData = ByteString.CopyFrom(ReadBytes(initializer).Span);
        return inlined;
    }

    private static TensorProto WithoutData(TensorProto tensor)
    {
        var copy = tensor.Clone();
        copy.ClearRawData();
        copy.ClearDataLocation();
        copy.ExternalData.Clear();
        copy.FloatData.Clear();
        copy.Int32Data.Clear();
        copy.Int64Data.Clear();
        copy.DoubleData.Clear();
        copy.Uint64Data.Clear();
        return copy;
    }

    private static ValueInfoProto InputFor(TensorProto tensor)
    {
        var shape = new TensorShapeProto();
        foreach (var d in tensor.Dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = tensor.Name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = tensor.DataType, Shape = shape } },
        };
    }

    private static OnnxValueInfo ToValueInfo(ValueInfoProto value)
    {
        var tensor = value.Type?.TensorType;
        var dims = tensor?.Shape?.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => new OnnxDim(d.DimValue, null),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => new OnnxDim(null, d.DimParam),
            _ => new OnnxDim(null, null),
        }).ToArray() ?? [];
        return new OnnxValueInfo(value.Name, (TensorElementType)(tensor?.ElemType ?? 0), dims);
    }

    private OnnxInitializer ToInitializer(TensorProto tensor)
    {
        var type = (TensorElementType)tensor.DataType;
        var dims = tensor.Dims.ToArray();
        var location = $"{Path}: initializer '{tensor.Name}'";
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            var external = ParseExternal(tensor, location);
            var initializer = new OnnxInitializer(tensor.Name, type, dims, InitializerStorage.External, external);
            CheckExternalFile(initializer, location);
            return initializer;
        }
        var storage = tensor.HasRawData ? InitializerStorage.RawData : InitializerStorage.TypedField;
        var result = new OnnxInitializer(tensor.Name, type, dims, storage, null);
        if (storage == InitializerStorage.RawData && type.Size() > 0 && tensor.RawData.Length != result.ByteLength)
            throw new OnnxModelException(location, $"holds {tensor.RawData.Length} bytes of raw_data, but {result} needs {result.ByteLength}", "Export the model again");
        return result;
    }

    private ExternalDataReference ParseExternal(TensorProto tensor, string location)
    {
        string? file = null;
        long offset = 0;
        long? length = null;
        foreach (var entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location": file = entry.Value; break;
                case "offset": offset = ParseLong(entry.Value, "offset", location); break;
                case "length": length = ParseLong(entry.Value, "length", location); break;
            }
        }
        if (string.IsNullOrEmpty(file))
            throw new OnnxModelException(location, "is stored as external data but names no location", "Export the model again");
        return new ExternalDataReference(file, System.IO.Path.GetFullPath(System.IO.Path.Combine(Directory, file)), offset, length);
    }

    private static long ParseLong(string text, string key, string location) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
            : throw new OnnxModelException(location, $"has external-data {key} '{text}', which is not a non-negative integer", "Export the model again");

    private static void CheckExternalFile(OnnxInitializer initializer, string location)
    {
        var external = initializer.External!;
        if (external.Length is { } declared && initializer.ElementType.Size() > 0 && declared != initializer.ByteLength)
            throw new OnnxModelException(location, $"declares {declared} bytes of external data, but {initializer} needs {initializer.ByteLength}", "Export the model again");
        var info = new FileInfo(external.ResolvedPath);
        if (!info.Exists)
            throw new OnnxModelException(location, $"its external-data file {external.ResolvedPath} does not exist",
                $"Copy '{external.Location}' into {System.IO.Path.GetDirectoryName(external.ResolvedPath)} beside the model");
        var end = external.Offset + (external.Length ?? initializer.ByteLength);
        if (info.Length < end)
            throw new OnnxModelException(location, $"needs bytes {external.Offset}..{end} of {external.ResolvedPath}, which holds only {info.Length} bytes",
                "The external-data file is truncated or belongs to another export; copy it again");
    }

    private byte[] ReadExternal(OnnxInitializer initializer)
    {
        var external = initializer.External!;
        var location = $"{Path}: initializer '{initializer.Name}'";
        CheckExternalFile(initializer, location);
        var bytes = new byte[external.Length ?? initializer.ByteLength];
        using var handle = File.OpenHandle(external.ResolvedPath);
        var read = 0;
        while (read < bytes.Length)
        {
            var n = RandomAccess.Read(handle, bytes.AsSpan(read), external.Offset + read);
            if (n == 0)
                throw new OnnxModelException(location, $"{external.ResolvedPath} ended before byte {external.Offset + bytes.Length}", "Copy the external-data file again");
            read += n;
        }
        return bytes;
    }

    private ReadOnlyMemory<byte> TypedFieldBytes(TensorProto tensor, OnnxInitializer initializer)
    {
        var count = checked((int)initializer.ElementCount);
        var bytes = new byte[initializer.ByteLength];
        var location = $"{Path}: initializer '{initializer.Name}'";
        void Expect(int actual)
        {
            if (actual != count)
                throw new OnnxModelException(location, $"holds {actual} values, but {initializer} needs {count}", "Export the model again");
        }
        switch (initializer.ElementType)
        {
            case TensorElementType.Float:
                Expect(tensor.FloatData.Count);
                tensor.FloatData.ToArray().AsSpan().CopyTo(MemoryMarshal.Cast<byte, float>(bytes.AsSpan()));
                break;
            case TensorElementType.Double:
                Expect(tensor.DoubleData.Count);
                tensor.DoubleData.ToArray().AsSpan().CopyTo(MemoryMarshal.Cast<byte, double>(bytes.AsSpan()));
                break;
            case TensorElementType.Int64:
                Expect(tensor.Int64Data.Count);
                tensor.Int64Data.ToArray().AsSpan().CopyTo(MemoryMarshal.Cast<byte, long>(bytes.AsSpan()));
                break;
            case TensorElementType.UInt32:
            case TensorElementType.UInt64:
                Expect(tensor.Uint64Data.Count);
                for (var i = 0; i < count; i++)
                {
                    if (initializer.ElementType == TensorElementType.UInt32)
                        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), (uint)tensor.Uint64Data[i]);
                    else
                        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), tensor.Uint64Data[i]);
                }
                break;
            default:
                // int32_data carries every type of 4 bytes or fewer (float16 and bfloat16 as their bit patterns).
                var size = initializer.ElementType.Size();
                if (size is 0 or > 4)
                    throw new OnnxModelException(location, $"is {initializer.ElementType.Describe()}, which Evolve cannot read");
                Expect(tensor.Int32Data.Count);
                for (var i = 0; i < count; i++)
                {
                    var v = tensor.Int32Data[i];
                    switch (size)
                    {
                        case 1: bytes[i] = (byte)v; break;
                        case 2: BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)v); break;
                        default: BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), v); break;
                    }
                }
                break;
        }
        return bytes;
    }
}
