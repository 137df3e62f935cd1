using System.Numerics;
using System.Runtime.InteropServices;

namespace Evolve.Merging.Kernels;

/// <summary>Elementwise SIMD building blocks shared by several methods.</summary>
internal static class Blend
{
    /// <summary>output = a·x + b·y.</summary>
    public static void Combine(float a, ReadOnlySpan<float> x, float b, ReadOnlySpan<float> y, Span<float> output)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
            var vo = MemoryMarshal.Cast<float, Vector<float>>(output);
            var va = new Vector<float>(a);
            var vb = new Vector<float>(b);
            for (int k = 0; k < vo.Length; k++) vo[k] = va * vx[k] + vb * vy[k];
            i = vo.Length * Vector<float>.Count;
        }
        for (; i < output.Length; i++) output[i] = a * x[i] + b * y[i];
    }

    /// <summary>accumulator += a·x.</summary>
    public static void AddScaled(Span<float> accumulator, float a, ReadOnlySpan<float> x)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            var vo = MemoryMarshal.Cast<float, Vector<float>>(accumulator);
            var va = new Vector<float>(a);
            for (int k = 0; k < vo.Length; k++) vo[k] += va * vx[k];
            i = vo.Length * Vector<float>.Count;
        }
        for (; i < accumulator.Length; i++) accumulator[i] += a * x[i];
    }

    /// <summary>accumulator += a·(x − y), the task-vector accumulation of task arithmetic.</summary>
    public static void AddScaledDifference(Span<float> accumulator, float a, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
            var vo = MemoryMarshal.Cast<float, Vector<float>>(accumulator);
            var va = new Vector<float>(a);
            for (int k = 0; k < vo.Length; k++) vo[k] += va * (vx[k] - vy[k]);
            i = vo.Length * Vector<float>.Count;
        }
        for (; i < accumulator.Length; i++) accumulator[i] += a * (x[i] - y[i]);
    }

    /// <summary>Cache-sized chunk for fused multi-input loops (inputs and output of one chunk stay in L1/L2).</summary>
    public const int Chunk = 4096;
}
