using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Evolve.Checkpoints;

namespace Evolve.Merging.Kernels;

/// <summary>
/// A <see cref="LinearCombination"/> computed straight from the inputs' stored bytes, block by block, for inputs of
/// any dtype (all-BF16 inputs take <see cref="BFloat16Blend"/>'s single register pass instead): each input's block is
/// converted into an L1-sized float32 buffer and accumulated; the result leaves the accumulator in the output dtype.
/// Same operations in the same order as <see cref="LinearCombination.Apply"/>, hence the same floats.
/// </summary>
internal ref struct StoredBlend
{
    /// <summary>Elements per block: the accumulator and two conversion buffers stay in L1.</summary>
    public const int Block = Blend.Chunk;

    private readonly LinearCombination _combination;
    private readonly Span<float> _accumulator, _x, _b;
    private int _length, _next;

    /// <param name="scratch">At least 3 × <see cref="Block"/> floats (accumulator and conversion buffers).</param>
    public StoredBlend(LinearCombination combination, Span<float> scratch)
    {
        _combination = combination;
        _accumulator = scratch[..Block];
        _x = scratch.Slice(Block, Block);
        _b = scratch.Slice(2 * Block, Block);
    }

    /// <summary>Starts a block of <paramref name="length"/> ≤ <see cref="Block"/> elements; the base's stored bytes when around a base.</summary>
    public void Start(int length, ReadOnlySpan<byte> baseBytes = default, DType baseDType = DType.F32)
    {
        _length = length;
        _next = 0;
        if (_combination.AroundBase) FloatConversion.ToSingle(baseBytes, baseDType, _b[..length]);
        _accumulator[..length].Clear();
    }

    /// <summary>Adds the block of the next input (recipe order) from its stored bytes.</summary>
    public void Add(ReadOnlySpan<byte> bytes, DType dtype)
    {
        var acc = _accumulator[.._length];
        var x = _x[.._length];
        FloatConversion.ToSingle(bytes, dtype, x);
        float c = _combination.Coefficients[_next++];
        if (_combination.AroundBase) Blend.AddScaledDifference(acc, c, x, _b[.._length]);
        else Blend.AddScaled(acc, c, x);
    }

    /// <summary>Ends the block: adds the base back when around one and writes the result as <paramref name="dtype"/>.</summary>
    public readonly void Finish(Span<byte> output, DType dtype)
    {
        var acc = _accumulator[.._length];
        if (_combination.AroundBase) System.Numerics.Tensors.TensorPrimitives.Add(acc, _b[.._length], acc);
        FloatConversion.FromSingle(acc, dtype, output);
    }

    /// <summary>
    /// delta = x − b for x in its stored bytes: BF16 widened and subtracted in registers, other dtypes converted into
    /// <paramref name="delta"/> first; the same float subtraction either way.
    /// </summary>
    public static void Difference(ReadOnlySpan<byte> x, DType dtype, ReadOnlySpan<float> b, Span<float> delta)
    {
        if (dtype != DType.BF16)
        {
            FloatConversion.ToSingle(x, dtype, delta);
            System.Numerics.Tensors.TensorPrimitives.Subtract(delta, b, delta);
            return;
        }
        var words = MemoryMarshal.Cast<byte, ushort>(x);
        if (words.Length != delta.Length || b.Length != delta.Length) throw new ArgumentException("lengths differ");
        ref ushort x0 = ref MemoryMarshal.GetReference(words);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float d0 = ref MemoryMarshal.GetReference(delta);
        nuint n = (nuint)delta.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            nuint half = (nuint)Vector<float>.Count;
            for (; i + 2 * half <= n; i += 2 * half)
            {
                var (lo, hi) = FloatConversion.WidenBFloat16(ref x0, i);
                (lo - Vector.LoadUnsafe(ref b0, i)).StoreUnsafe(ref d0, i);
                (hi - Vector.LoadUnsafe(ref b0, i + half)).StoreUnsafe(ref d0, i + half);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref d0, i) = FloatConversion.BFloat16ToSingle(Unsafe.Add(ref x0, i)) - Unsafe.Add(ref b0, i);
    }
}
