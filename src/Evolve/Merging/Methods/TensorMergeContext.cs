using System.Runtime.InteropServices;
using Evolve.Checkpoints;
using Evolve.Merging.Kernels;
using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>
/// Everything a method sees for one output tensor: the base (when the method uses one), the other inputs in recipe
/// order, their resolved parameters, the seed of counter-based randomness, and a scratch arena for temporaries.
/// Inputs are float32 whatever the storage dtype: held whole, or, for a method that
/// <see cref="IMergeMethod.ReadsInChunks">reads in chunks</see>, converted chunk by chunk from storage on each read.
/// </summary>
internal sealed class TensorMergeContext
{
    private readonly float[]? _base;
    private readonly float[][]? _models;
    private readonly StoredInputReader? _reader;
    private readonly bool _streamedBase;
    private readonly int _modelCount;

    public TensorMergeContext(string tensorName, long[] shape, float[]? baseTensor, float[][] models,
        MethodParameters parameters, ulong seed, ScratchArena scratch)
    {
        TensorName = tensorName;
        Shape = shape;
        long n = 1;
        foreach (var d in shape) n *= d;
        Length = checked((int)n);
        if (baseTensor is not null && baseTensor.Length < Length)
            throw new ArgumentException("base buffer shorter than the tensor", nameof(baseTensor));
        foreach (var m in models)
            if (m.Length < Length)
                throw new ArgumentException("input buffer shorter than the tensor", nameof(models));
        _base = baseTensor;
        _models = models;
        _modelCount = models.Length;
        Parameters = parameters;
        Seed = seed;
        Scratch = scratch;
    }

    /// <summary>Inputs converted from their stored bytes (<paramref name="reader"/>; index <paramref name="modelCount"/> is the base) as they are read.</summary>
    public TensorMergeContext(string tensorName, long[] shape, bool hasBase, int modelCount, StoredInputReader reader,
        MethodParameters parameters, ulong seed, ScratchArena scratch)
    {
        TensorName = tensorName;
        Shape = shape;
        long n = 1;
        foreach (var d in shape) n *= d;
        Length = checked((int)n);
        _streamedBase = hasBase;
        _modelCount = modelCount;
        _reader = reader;
        Parameters = parameters;
        Seed = seed;
        Scratch = scratch;
    }

    /// <summary>Output tensor name (gradients, filters and random streams key on it).</summary>
    public string TensorName { get; }

    public long[] Shape { get; }

    /// <summary>Elements per tensor.</summary>
    public int Length { get; }

    public bool HasBase => _base is not null || _streamedBase;

    public ReadOnlySpan<float> Base => _base is null
        ? throw new InvalidOperationException($"{TensorName}: the method needs a base tensor held whole")
        : _base.AsSpan(0, Length);

    /// <summary>Inputs other than the base, in recipe order.</summary>
    public int ModelCount => _modelCount;

    public ReadOnlySpan<float> Model(int i) => _models is null
        ? throw new InvalidOperationException($"{TensorName}: inputs are streamed; read them with ModelChunk")
        : _models[i].AsSpan(0, Length);

    /// <summary>Base elements [start, start + buffer.Length): a view of the held tensor, or converted into <paramref name="buffer"/>.</summary>
    public ReadOnlySpan<float> BaseChunk(int start, Span<float> buffer)
    {
        if (_reader is null) return Base.Slice(start, buffer.Length);
        ReadStored(BaseInput, start, buffer);
        return buffer;
    }

    /// <summary>Elements [start, start + buffer.Length) of input <paramref name="i"/>: a view of the held tensor, or converted into <paramref name="buffer"/>.</summary>
    public ReadOnlySpan<float> ModelChunk(int i, int start, Span<float> buffer)
    {
        if (_reader is null) return Model(i).Slice(start, buffer.Length);
        ReadStored(i, start, buffer);
        return buffer;
    }

    /// <summary>The base's elements at <paramref name="indices"/>, in that order.</summary>
    public void BaseElements(ReadOnlySpan<int> indices, Span<float> destination)
    {
        if (_reader is null) Gather(Base, indices, destination);
        else GatherStored(BaseInput, indices, destination);
    }

    /// <summary>Input <paramref name="i"/>'s elements at <paramref name="indices"/>, in that order.</summary>
    public void ModelElements(int i, ReadOnlySpan<int> indices, Span<float> destination)
    {
        if (_reader is null) Gather(Model(i), indices, destination);
        else GatherStored(i, indices, destination);
    }

    private static void Gather(ReadOnlySpan<float> values, ReadOnlySpan<int> indices, Span<float> destination)
    {
        for (int j = 0; j < indices.Length; j++) destination[j] = values[indices[j]];
    }

    /// <summary>
    /// The task vector Xᵢ − B over elements [start, start + delta.Length) into <paramref name="delta"/>, given the
    /// base's chunk: streamed inputs are converted and subtracted in one pass (no float32 copy of Xᵢ), held ones
    /// subtracted; the same float subtraction either way.
    /// </summary>
    public void ModelDelta(int i, int start, ReadOnlySpan<float> baseChunk, Span<float> delta)
    {
        if (_reader is null)
        {
            System.Numerics.Tensors.TensorPrimitives.Subtract(Model(i).Slice(start, delta.Length), baseChunk, delta);
            return;
        }
        var stored = _reader(i, out var dtype);
        int size = dtype.ByteSize();
        StoredBlend.Difference(stored.Slice(start * size, delta.Length * size), dtype, baseChunk, delta);
    }

    /// <summary>
    /// Input <paramref name="i"/>'s BF16 words for elements [start, start + length) when it is streamed from storage
    /// in BF16, else empty: a kernel can widen them in registers instead of reading a converted chunk.
    /// </summary>
    public ReadOnlySpan<ushort> StoredBFloat16(int i, int start, int length)
    {
        if (_reader is null) return default;
        var stored = _reader(i, out var dtype);
        return dtype == DType.BF16 ? MemoryMarshal.Cast<byte, ushort>(stored).Slice(start, length) : default;
    }

    /// <summary>The base's elements [start, start + length) as stored BF16 words; empty when the base is not streamed or not BF16.</summary>
    public ReadOnlySpan<ushort> StoredBaseBFloat16(int start, int length) => _streamedBase ? StoredBFloat16(_modelCount, start, length) : default;

    private int BaseInput => _streamedBase
        ? _modelCount
        : throw new InvalidOperationException($"{TensorName}: the method needs a base tensor");

    private void ReadStored(int input, int start, Span<float> destination)
    {
        var stored = _reader!(input, out var dtype);
        int size = dtype.ByteSize();
        FloatConversion.ToSingle(stored.Slice(start * size, destination.Length * size), dtype, destination);
    }

    private void GatherStored(int input, ReadOnlySpan<int> indices, Span<float> destination)
    {
        var stored = _reader!(input, out var dtype);
        if (dtype == DType.BF16)
        {
            // The common case without a conversion call per element.
            var words = MemoryMarshal.Cast<byte, ushort>(stored);
            for (int j = 0; j < indices.Length; j++) destination[j] = FloatConversion.BFloat16ToSingle(words[indices[j]]);
            return;
        }
        int size = dtype.ByteSize();
        for (int j = 0; j < indices.Length; j++)
            FloatConversion.ToSingle(stored.Slice(indices[j] * size, size), dtype, destination.Slice(j, 1));
    }

    public MethodParameters Parameters { get; }

    /// <summary>
    /// The executor's workers, which a method may recruit for parts of this tensor (<see cref="WorkerBudget.Run"/>);
    /// none when null. The result does not depend on them.
    /// </summary>
    public WorkerBudget? Workers { get; init; }

    /// <summary>
    /// When set, a method that has read elements [start, start + length) of every input and will not read them again
    /// in bulk (single elements may be) says so here, for the executor to drop their pages from the resident set.
    /// </summary>
    public Action<int, int>? InputsRead { get; init; }

    /// <summary>Elements a pass reads between two releases of their pages (512 KiB of each BF16 input).</summary>
    public const int ReleaseSpan = 1 << 18;

    /// <summary>Elements per range when a tensor is split over workers: below twice this a tensor stays whole.</summary>
    public const int ParallelRange = 1 << 20;

    /// <summary>
    /// When set, a method that <see cref="IMergeMethod.ReadsInChunks">reads in chunks</see> hands each output chunk
    /// here (see <see cref="OutputChunkWriter"/> for the order) instead of writing the output span, so the executor
    /// stores it in the output dtype at once rather than through a whole-tensor float32 buffer.
    /// </summary>
    public OutputChunkWriter? OutputWriter { get; init; }

    /// <summary>
    /// With <see cref="OutputWriter"/>, when the output dtype is BF16: the address of the output's BF16 words, pinned
    /// for the merge (0 otherwise). A kernel that rounds in registers stores its chunks there itself instead of
    /// handing float chunks to the writer; the writer still takes everything else.
    /// </summary>
    public nint BFloat16Output { get; init; }

    /// <summary>Output elements [start, start + length) as BF16 words (<see cref="BFloat16Output"/> must be set).</summary>
    public unsafe Span<ushort> BFloat16OutputWords(int start, int length) =>
        BFloat16Output == 0 ? throw new InvalidOperationException("no BF16 output is set") : new((ushort*)BFloat16Output + start, length);

    /// <summary>The merge seed; random streams mix in the tensor name and model index (<see cref="MaskRandom.StreamKey"/>).</summary>
    public ulong Seed { get; }

    public ScratchArena Scratch { get; }

    /// <summary>Rows × columns view for row-wise methods: the last dimension is a row, 0-D and 1-D are one row.</summary>
    public (int Rows, int Columns) RowLayout
    {
        get
        {
            if (Shape.Length < 2) return (1, Length);
            var cols = checked((int)Shape[^1]);
            return cols == 0 ? (0, 0) : (Length / cols, cols);
        }
    }
}
