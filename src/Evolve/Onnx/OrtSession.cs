using System.Runtime.InteropServices;
using Evolve.Onnx.Native;

namespace Evolve.Onnx;

/// <summary>
/// An ORT inference session. It holds a reference on every buffer given to it through AddInitializer (ORT reads them
/// at Run time), so the buffers are freed only after ReleaseSession. Input and output names are kept as native UTF-8
/// once, so Run encodes nothing.
/// </summary>
internal sealed unsafe class OrtSession : IDisposable
{
    private readonly SessionHandle session;
    private readonly List<NativeBuffer> heldBuffers;
    private readonly nint* inputNames;
    private readonly nint* outputNames;
    private readonly Dictionary<string, int> inputIndex;
    private readonly Dictionary<string, int> outputIndex;
    private bool disposed;

    private OrtSession(nint handle, List<NativeBuffer> heldBuffers)
    {
        session = new SessionHandle(handle);
        this.heldBuffers = heldBuffers;
        Inputs = Describe(OrtApi.SessionInputCount(handle), i => OrtApi.SessionInputName(handle, i), i => OrtApi.SessionInputType(handle, i));
        Outputs = Describe(OrtApi.SessionOutputCount(handle), i => OrtApi.SessionOutputName(handle, i), i => OrtApi.SessionOutputType(handle, i));
        inputNames = EncodeNames(Inputs);
        outputNames = EncodeNames(Outputs);
        inputIndex = Inputs.Select((d, i) => (d.Name, i)).ToDictionary(p => p.Name, p => p.i);
        outputIndex = Outputs.Select((d, i) => (d.Name, i)).ToDictionary(p => p.Name, p => p.i);
    }

    public IReadOnlyList<OrtTensorDescription> Inputs { get; }
    public IReadOnlyList<OrtTensorDescription> Outputs { get; }

    /// <summary>Loads a model file; ORT resolves its external data beside it.</summary>
    public static OrtSession FromFile(string modelPath, OrtSessionSettings settings, InitializerOverrides? overrides = null) =>
        Create(settings, overrides, Path.GetFullPath(modelPath), options => OrtApi.CreateSession(OrtEnvironment.Handle, Path.GetFullPath(modelPath), options));

    /// <summary>Loads a model held in memory; the bytes may be freed once this returns.</summary>
    public static OrtSession FromBytes(ReadOnlyMemory<byte> model, string location, OrtSessionSettings settings, InitializerOverrides? overrides = null) =>
        Create(settings, overrides, location, options => OrtApi.CreateSessionFromArray(OrtEnvironment.Handle, model.Span, options));

    private static OrtSession Create(OrtSessionSettings settings, InitializerOverrides? overrides, string location, Func<nint, nint> create)
    {
        using var options = new OrtSessionOptions(settings);
        var values = new List<OrtTensor>();
        var held = new List<NativeBuffer>();
        try
        {
            foreach (var item in overrides?.Items ?? [])
            {
                var value = OrtTensor.Over(item.Buffer, item.ElementType, item.Shape);
                values.Add(value);
                options.AddInitializer(item.Name, value);
            }
            nint handle;
            try
            {
                handle = create(options.Handle);
            }
            catch (OrtException e)
            {
                throw OnnxModelException.FromSessionCreation(e, location);
            }
            foreach (var value in values)
            {
                var added = false;
                value.Memory!.DangerousAddRef(ref added);
                held.Add(value.Memory);
            }
            try
            {
                return new OrtSession(handle, held);
            }
            catch
            {
                OrtApi.ReleaseSession(handle);
                throw;
            }
        }
        catch
        {
            foreach (var buffer in held) buffer.DangerousRelease();
            throw;
        }
        finally
        {
            // The session keeps its own reference to each initializer value; the handles can go once it exists.
            foreach (var value in values) value.Dispose();
        }
    }

    public int InputIndex(string name) =>
        inputIndex.TryGetValue(name, out var i) ? i : throw new ArgumentException($"the session has no input '{name}'", nameof(name));

    public int OutputIndex(string name) =>
        outputIndex.TryGetValue(name, out var i) ? i : throw new ArgumentException($"the session has no output '{name}'", nameof(name));

    public bool HasInput(string name) => inputIndex.ContainsKey(name);

    /// <summary>
    /// Runs the graph on <paramref name="inputs"/> (fed to the inputs at <paramref name="inputIndices"/>) and returns the
    /// requested outputs as values ORT allocated; the caller disposes them.
    /// </summary>
    public OrtTensor[] Run(ReadOnlySpan<int> inputIndices, ReadOnlySpan<OrtTensor> inputs, ReadOnlySpan<int> outputIndices)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (inputIndices.Length != inputs.Length) throw new ArgumentException("one index per input value");
        var names = stackalloc nint[inputs.Length];
        var values = stackalloc nint[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            names[i] = inputNames[inputIndices[i]];
            values[i] = inputs[i].Value;
        }
        var outNames = stackalloc nint[outputIndices.Length];
        var outValues = stackalloc nint[outputIndices.Length];
        for (var i = 0; i < outputIndices.Length; i++)
        {
            outNames[i] = outputNames[outputIndices[i]];
            outValues[i] = 0;
        }
        var added = false;
        session.DangerousAddRef(ref added);
        try
        {
            OrtApi.Run(session.DangerousGetHandle(), names, values, (nuint)inputs.Length, outNames, (nuint)outputIndices.Length, outValues);
        }
        finally
        {
            session.DangerousRelease();
        }
        var result = new OrtTensor[outputIndices.Length];
        for (var i = 0; i < result.Length; i++) result[i] = OrtTensor.Owning(outValues[i]);
        return result;
    }

    /// <summary>Runs on named tensors (wrapped without copying for the call) and returns the named outputs; the caller disposes them.</summary>
    public OrtTensor[] Run(IReadOnlyList<NamedTensor> inputs, params string[] outputs)
    {
        var indices = new int[inputs.Count];
        var values = new OrtTensor[inputs.Count];
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                indices[i] = InputIndex(inputs[i].Name);
                values[i] = OrtTensor.Over(inputs[i].Buffer, inputs[i].ElementType, inputs[i].Shape);
            }
            return Run(indices, values, outputs.Select(OutputIndex).ToArray());
        }
        finally
        {
            foreach (var v in values) v?.Dispose();
        }
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        session.Dispose();
        foreach (var buffer in heldBuffers) buffer.DangerousRelease();
        FreeNames(inputNames, Inputs.Count);
        FreeNames(outputNames, Outputs.Count);
    }

    private static OrtTensorDescription[] Describe(int count, Func<int, string> name, Func<int, (int ElementType, long[] Dims, string[] Symbols)> type)
    {
        var result = new OrtTensorDescription[count];
        for (var i = 0; i < count; i++)
        {
            var (elementType, dims, symbols) = type(i);
            result[i] = new OrtTensorDescription(name(i), (TensorElementType)elementType, dims, symbols);
        }
        return result;
    }

    private static nint* EncodeNames(IReadOnlyList<OrtTensorDescription> descriptions)
    {
        var table = (nint*)NativeMemory.Alloc((nuint)Math.Max(descriptions.Count, 1), (nuint)sizeof(nint));
        for (var i = 0; i < descriptions.Count; i++)
        {
            var utf8 = OrtApi.Utf8(descriptions[i].Name);
            var p = (byte*)NativeMemory.Alloc((nuint)utf8.Length);
            utf8.CopyTo(new Span<byte>(p, utf8.Length));
            table[i] = (nint)p;
        }
        return table;
    }

    private static void FreeNames(nint* table, int count)
    {
        for (var i = 0; i < count; i++) NativeMemory.Free((void*)table[i]);
        NativeMemory.Free(table);
    }

    private sealed class SessionHandle : SafeHandle
    {
        public SessionHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            OrtApi.ReleaseSession(handle);
            return true;
        }
    }
}
