using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Evolve.Checkpoints;

namespace Evolve.Merging.Kernels;

/// <summary>
/// A <see cref="LinearCombination"/> computed straight from the inputs' stored bytes, block by block: BF16 words are
/// widened into float32 registers as they are accumulated (a BF16 value is the upper half of its float32), so no
/// input is converted into a float buffer first; other dtypes go through a block-sized float32 buffer. The
/// accumulator is one L1-sized block; the result leaves it in the output dtype. Same operations in the same order as
/// <see cref="LinearCombination.Apply"/>, hence the same floats.
/// </summary>
internal ref struct StoredBlend
{
    /// <summary>Elements per block: the accumulator and two conversion buffers stay in L1.</summary>
    public const int Block = Blend.Chunk;

    private readonly LinearCombination _combination;
    private readonly Span<float> _accumulator, _x, _b;
    private ReadOnlySpan<byte> _baseBytes;
    private bool _bf16Base;
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
        _baseBytes = baseBytes;
        _bf16Base = baseDType == DType.BF16;
        if (_combination.AroundBase && !_bf16Base) FloatConversion.ToSingle(baseBytes, baseDType, _b[..length]);
        if (_combination.Coefficients.Length == 0) _accumulator[..length].Clear();
    }

    /// <summary>Adds the block of the next input (recipe order) from its stored bytes.</summary>
    public void Add(ReadOnlySpan<byte> bytes, DType dtype)
    {
        var acc = _accumulator[.._length];
        float c = _combination.Coefficients[_next];
        bool first = _next++ == 0;
        bool around = _combination.AroundBase;
        if (dtype == DType.BF16 && (!around || _bf16Base))
        {
            var x = MemoryMarshal.Cast<byte, ushort>(bytes);
            if (around) AddScaledDifference(acc, c, x, MemoryMarshal.Cast<byte, ushort>(_baseBytes), first);
            else AddScaled(acc, c, x, first);
            return;
        }
        var xf = _x[.._length];
        FloatConversion.ToSingle(bytes, dtype, xf);
        if (first) acc.Clear();
        if (!around) Blend.AddScaled(acc, c, xf);
        else
        {
            if (_bf16Base) FloatConversion.ToSingle(_baseBytes, DType.BF16, _b[.._length]);
            Blend.AddScaledDifference(acc, c, xf, _b[.._length]);
        }
    }

    /// <summary>Ends the block: adds the base back when around one and writes the result as <paramref name="dtype"/>.</summary>
    public readonly void Finish(Span<byte> output, DType dtype)
    {
        var acc = _accumulator[.._length];
        if (_combination.AroundBase)
        {
            if (_bf16Base) AddBFloat16(acc, MemoryMarshal.Cast<byte, ushort>(_baseBytes));
            else System.Numerics.Tensors.TensorPrimitives.Add(acc, _b[.._length], acc);
        }
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
                var (lo, hi) = Widen(ref x0, i);
                (lo - Vector.LoadUnsafe(ref b0, i)).StoreUnsafe(ref d0, i);
                (hi - Vector.LoadUnsafe(ref b0, i + half)).StoreUnsafe(ref d0, i + half);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref d0, i) = ToSingle(Unsafe.Add(ref x0, i)) - Unsafe.Add(ref b0, i);
    }

    /// <summary>acc = (first ? +0 : acc) + c·x over BF16 x.</summary>
    private static void AddScaled(Span<float> acc, float c, ReadOnlySpan<ushort> x, bool first)
    {
        ref float a0 = ref MemoryMarshal.GetReference(acc);
        ref ushort x0 = ref MemoryMarshal.GetReference(x);
        nuint n = (nuint)acc.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            nuint half = (nuint)Vector<float>.Count;
            var vc = new Vector<float>(c);
            for (; i + 2 * half <= n; i += 2 * half)
            {
                var (lo, hi) = Widen(ref x0, i);
                var accLo = first ? Vector<float>.Zero : Vector.LoadUnsafe(ref a0, i);
                var accHi = first ? Vector<float>.Zero : Vector.LoadUnsafe(ref a0, i + half);
                (accLo + vc * lo).StoreUnsafe(ref a0, i);
                (accHi + vc * hi).StoreUnsafe(ref a0, i + half);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref a0, i) = (first ? 0f : Unsafe.Add(ref a0, i)) + c * ToSingle(Unsafe.Add(ref x0, i));
    }

    /// <summary>acc = (first ? +0 : acc) + c·(x − b) over BF16 x and b.</summary>
    private static void AddScaledDifference(Span<float> acc, float c, ReadOnlySpan<ushort> x, ReadOnlySpan<ushort> b, bool first)
    {
        ref float a0 = ref MemoryMarshal.GetReference(acc);
        ref ushort x0 = ref MemoryMarshal.GetReference(x);
        ref ushort b0 = ref MemoryMarshal.GetReference(b);
        nuint n = (nuint)acc.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            nuint half = (nuint)Vector<float>.Count;
            var vc = new Vector<float>(c);
            for (; i + 2 * half <= n; i += 2 * half)
            {
                var (xlo, xhi) = Widen(ref x0, i);
                var (blo, bhi) = Widen(ref b0, i);
                var accLo = first ? Vector<float>.Zero : Vector.LoadUnsafe(ref a0, i);
                var accHi = first ? Vector<float>.Zero : Vector.LoadUnsafe(ref a0, i + half);
                (accLo + vc * (xlo - blo)).StoreUnsafe(ref a0, i);
                (accHi + vc * (xhi - bhi)).StoreUnsafe(ref a0, i + half);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref a0, i) = (first ? 0f : Unsafe.Add(ref a0, i)) + c * (ToSingle(Unsafe.Add(ref x0, i)) - ToSingle(Unsafe.Add(ref b0, i)));
    }

    /// <summary>acc = acc + b over BF16 b.</summary>
    private static void AddBFloat16(Span<float> acc, ReadOnlySpan<ushort> b)
    {
        ref float a0 = ref MemoryMarshal.GetReference(acc);
        ref ushort b0 = ref MemoryMarshal.GetReference(b);
        nuint n = (nuint)acc.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            nuint half = (nuint)Vector<float>.Count;
            for (; i + 2 * half <= n; i += 2 * half)
            {
                var (lo, hi) = Widen(ref b0, i);
                (Vector.LoadUnsafe(ref a0, i) + lo).StoreUnsafe(ref a0, i);
                (Vector.LoadUnsafe(ref a0, i + half) + hi).StoreUnsafe(ref a0, i + half);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref a0, i) += ToSingle(Unsafe.Add(ref b0, i));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<float> Low, Vector<float> High) Widen(ref ushort source, nuint index)
    {
        Vector.Widen(Vector.LoadUnsafe(ref source, index), out Vector<uint> low, out Vector<uint> high);
        return (Vector.AsVectorSingle(low << 16), Vector.AsVectorSingle(high << 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ToSingle(ushort bf16) => BitConverter.UInt32BitsToSingle((uint)bf16 << 16);
}
