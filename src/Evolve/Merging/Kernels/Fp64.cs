using System.Numerics;
using System.Runtime.InteropServices;

namespace Evolve.Merging.Kernels;

/// <summary>
/// Reductions over float32 data accumulated in float64 (SIMD, widened), so norms and sums neither overflow in
/// half precision storage (mergekit issue #609) nor lose digits on tensors of tens of millions of elements.
/// </summary>
internal static class Fp64
{
    public static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("length mismatch");
        var acc0 = Vector<double>.Zero;
        var acc1 = Vector<double>.Zero;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int k = 0; k < vx.Length; k++)
            {
                Vector.Widen(vx[k], out var xl, out var xh);
                Vector.Widen(vy[k], out var yl, out var yh);
                acc0 += xl * yl;
                acc1 += xh * yh;
            }
            i = vx.Length * Vector<float>.Count;
        }
        double s = Vector.Sum(acc0 + acc1);
        for (; i < x.Length; i++) s += (double)x[i] * y[i];
        return s;
    }

    public static double SumOfSquares(ReadOnlySpan<float> x) => Dot(x, x);

    public static double Norm(ReadOnlySpan<float> x) => Math.Sqrt(SumOfSquares(x));

    public static double SumAbs(ReadOnlySpan<float> x)
    {
        var acc0 = Vector<double>.Zero;
        var acc1 = Vector<double>.Zero;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            for (int k = 0; k < vx.Length; k++)
            {
                Vector.Widen(Vector.Abs(vx[k]), out var l, out var h);
                acc0 += l;
                acc1 += h;
            }
            i = vx.Length * Vector<float>.Count;
        }
        double s = Vector.Sum(acc0 + acc1);
        for (; i < x.Length; i++) s += Math.Abs(x[i]);
        return s;
    }

    /// <summary>Σ|x − y| without materializing the difference.</summary>
    public static double SumAbsDifference(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += Math.Abs((double)x[i] - y[i]);
        return s;
    }
}
