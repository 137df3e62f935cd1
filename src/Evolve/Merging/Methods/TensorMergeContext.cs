using Evolve.Merging.Kernels;
using Evolve.Merging.Parameters;

namespace Evolve.Merging.Methods;

/// <summary>
/// Everything a method sees for one output tensor: the base (when the method uses one), the other inputs in recipe
/// order, their resolved parameters, the seed of counter-based randomness, and a scratch arena for temporaries.
/// Inputs are float32 whatever the storage dtype.
/// </summary>
internal sealed class TensorMergeContext
{
    private readonly float[]? _base;
    private readonly float[][] _models;

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
        Parameters = parameters;
        Seed = seed;
        Scratch = scratch;
    }

    /// <summary>Output tensor name (gradients, filters and random streams key on it).</summary>
    public string TensorName { get; }

    public long[] Shape { get; }

    /// <summary>Elements per tensor.</summary>
    public int Length { get; }

    public bool HasBase => _base is not null;

    public ReadOnlySpan<float> Base => _base is null
        ? throw new InvalidOperationException($"{TensorName}: the method needs a base tensor")
        : _base.AsSpan(0, Length);

    /// <summary>Inputs other than the base, in recipe order.</summary>
    public int ModelCount => _models.Length;

    public ReadOnlySpan<float> Model(int i) => _models[i].AsSpan(0, Length);

    public MethodParameters Parameters { get; }

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
