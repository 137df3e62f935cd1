using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Evolve.Checkpoints;

namespace Evolve.Merging.Kernels;

/// <summary>
/// TIES's sign election and disjoint mean (mergekit's "sum" consensus), per element: s = Σ wᵢΔᵢ (in model order),
/// sign(s) with 0 counted as +; the wᵢΔᵢ whose sign equals it summed in model order, and their wᵢ likewise; with
/// normalize the first sum divided by the second (0 becomes 1); R = B + λ·mixed.
/// <para>
/// The SIMD lanes (16 with AVX-512, else 8) add +0 for a disagreeing model where the scalar definition skips it; both
/// sums start at +0 and only agreeing terms are nonzero, so every lane gets the float the scalar definition computes.
/// </para>
/// </summary>
internal static class SignConsensus
{
    /// <summary>R over a span: <paramref name="deltas"/> are the (pruned) task vectors Δᵢ, <paramref name="weights"/> their wᵢ.</summary>
    public static unsafe void Combine(ReadOnlySpan<float> b, float[][] deltas, ReadOnlySpan<double> weights, bool normalize, float lambda, Span<float> output)
    {
        fixed (float* o = output) Combine(b, deltas, weights, normalize, lambda, new SingleLanes(o), output.Length);
    }

    /// <summary>
    /// <see cref="Combine(ReadOnlySpan{float}, float[][], ReadOnlySpan{double}, bool, float, Span{float})"/> stored as
    /// BF16 words, rounded in registers as <see cref="FloatConversion.SingleToBFloat16"/> rounds: no float chunk to
    /// write and convert again.
    /// </summary>
    public static unsafe void Combine(ReadOnlySpan<float> b, float[][] deltas, ReadOnlySpan<double> weights, bool normalize, float lambda, Span<ushort> output)
    {
        fixed (ushort* o = output) Combine(b, deltas, weights, normalize, lambda, new BFloat16Lanes(o), output.Length);
    }

    private static void Combine<TOutput>(ReadOnlySpan<float> b, float[][] deltas, ReadOnlySpan<double> weights, bool normalize, float lambda, TOutput output, int n)
        where TOutput : struct, IOutputLanes
    {
        int k = deltas.Length;
        if (b.Length < n) throw new ArgumentException("the base is shorter than the output", nameof(b));
        Span<float> w = stackalloc float[k];
        for (int i = 0; i < k; i++) w[i] = (float)weights[i];
        int j = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Span<Vector512<float>> wv = stackalloc Vector512<float>[k];
            Span<Vector512<float>> weighted = stackalloc Vector512<float>[k];
            for (int i = 0; i < k; i++) wv[i] = Vector512.Create(w[i]);
            var lambdaV = Vector512.Create(lambda);
            ref float b0 = ref MemoryMarshal.GetReference(b);
            for (; j + Vector512<float>.Count <= n; j += Vector512<float>.Count)
            {
                var sum = Vector512<float>.Zero;
                for (int i = 0; i < k; i++)
                    sum += weighted[i] = wv[i] * Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(deltas[i]), (nuint)j);
                output.Store(Vector512.LoadUnsafe(ref b0, (nuint)j) + lambdaV * Mix(weighted, wv, sum, normalize), j);
            }
        }
        if (Vector256.IsHardwareAccelerated && n - j >= Vector256<float>.Count)
        {
            Span<Vector256<float>> wv = stackalloc Vector256<float>[k];
            Span<Vector256<float>> weighted = stackalloc Vector256<float>[k];
            for (int i = 0; i < k; i++) wv[i] = Vector256.Create(w[i]);
            var lambdaV = Vector256.Create(lambda);
            ref float b0 = ref MemoryMarshal.GetReference(b);
            for (; j + Vector256<float>.Count <= n; j += Vector256<float>.Count)
            {
                var sum = Vector256<float>.Zero;
                for (int i = 0; i < k; i++)
                    sum += weighted[i] = wv[i] * Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(deltas[i]), (nuint)j);
                output.Store(Vector256.LoadUnsafe(ref b0, (nuint)j) + lambdaV * Mix(weighted, wv, sum, normalize), j);
            }
        }
        for (; j < n; j++)
        {
            float sum = 0;
            for (int i = 0; i < k; i++) sum += w[i] * deltas[i][j];
            bool positive = sum >= 0;
            float mixed = 0, divisor = 0;
            for (int i = 0; i < k; i++)
            {
                float wd = w[i] * deltas[i][j];
                if (positive ? wd > 0 : wd < 0)
                {
                    mixed += wd;
                    divisor += w[i];
                }
            }
            if (normalize) mixed /= divisor == 0 ? 1 : divisor;
            output.Store(b[j] + lambda * mixed, j);
        }
    }

    /// <summary>Where <see cref="Combine{TOutput}"/> stores results: a struct per output dtype, so the JIT compiles each store inline.</summary>
    private interface IOutputLanes
    {
        void Store(Vector512<float> values, int at);
        void Store(Vector256<float> values, int at);
        void Store(float value, int at);
    }

    private readonly unsafe struct SingleLanes(float* output) : IOutputLanes
    {
        public void Store(Vector512<float> values, int at) => values.Store(output + at);
        public void Store(Vector256<float> values, int at) => values.Store(output + at);
        public void Store(float value, int at) => output[at] = value;
    }

    private readonly unsafe struct BFloat16Lanes(ushort* output) : IOutputLanes
    {
        public void Store(Vector512<float> values, int at) => FloatConversion.ToBFloat16(values).Store(output + at);
        public void Store(Vector256<float> values, int at)
        {
            var words = FloatConversion.RoundToBFloat16(values.AsUInt32());
            Vector128.Narrow(words.GetLower(), words.GetUpper()).Store(output + at);
        }
        public void Store(float value, int at) => output[at] = FloatConversion.RoundToBFloat16(BitConverter.SingleToUInt32Bits(value));
    }

    /// <summary>
    /// The mixed value of 8 elements from their weighted task-vector values wᵢΔᵢ (<paramref name="weighted"/>, model
    /// order), the weights wᵢ broadcast (<paramref name="weights"/>) and s = Σ wᵢΔᵢ summed from +0 in model order.
    /// Agreement is one compare per model: wᵢΔᵢ with its sign flipped where s is not ≥ 0 (NaN included) is > 0
    /// exactly where wᵢΔᵢ agrees with s; ±0 and NaN never do.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Mix(ReadOnlySpan<Vector256<float>> weighted, ReadOnlySpan<Vector256<float>> weights, Vector256<float> sum, bool normalize)
    {
        var flip = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(sum, Vector256<float>.Zero), Vector256<float>.Zero, Vector256.Create(-0f));
        Vector256<float> mixed = Vector256<float>.Zero, divisor = Vector256<float>.Zero;
        for (int i = 0; i < weighted.Length; i++)
        {
            var agrees = Vector256.GreaterThan(weighted[i] ^ flip, Vector256<float>.Zero);
            mixed += weighted[i] & agrees;
            divisor += weights[i] & agrees;
        }
        return normalize
            ? mixed / Vector256.ConditionalSelect(Vector256.Equals(divisor, Vector256<float>.Zero), Vector256<float>.One, divisor)
            : mixed;
    }

    /// <summary>
    /// <see cref="Mix(ReadOnlySpan{Vector256{float}}, ReadOnlySpan{Vector256{float}}, Vector256{float}, bool)"/> of
    /// 16 elements. With 512-bit vectors only two ports execute vector operations: the agreeing terms are added
    /// under the compare's mask register (one masked add each), where a vector mask costs a conversion and an AND.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Mix(ReadOnlySpan<Vector512<float>> weighted, ReadOnlySpan<Vector512<float>> weights, Vector512<float> sum, bool normalize)
    {
        var flip = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(sum, Vector512<float>.Zero), Vector512<float>.Zero, Vector512.Create(-0f));
        Vector512<float> mixed = Vector512<float>.Zero, divisor = Vector512<float>.Zero;
        for (int i = 0; i < weighted.Length; i++)
        {
            var agrees = Vector512.GreaterThan(weighted[i] ^ flip, Vector512<float>.Zero);
            mixed = Avx512F.BlendVariable(mixed, mixed + weighted[i], agrees);
            divisor = Avx512F.BlendVariable(divisor, divisor + weights[i], agrees);
        }
        return normalize
            ? mixed / Vector512.ConditionalSelect(Vector512.Equals(divisor, Vector512<float>.Zero), Vector512<float>.One, divisor)
            : mixed;
    }
}
