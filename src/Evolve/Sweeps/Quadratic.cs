using MathNet.Numerics;
using MathNet.Numerics.LinearRegression;

namespace Evolve.Sweeps;

/// <summary>
/// y = C0 + C1·x + C2·x², fitted by least squares (QR, MathNet). Concave when C2 &lt; 0; its vertex −C1/(2·C2) is then
/// the maximum. <see cref="ArgMaxOn"/> is the maximizer over a closed interval, defined for any shape.
/// </summary>
internal readonly record struct Quadratic(double C0, double C1, double C2)
{
    public static Quadratic Fit(double[] x, double[] y)
    {
        var c = MathNet.Numerics.Fit.Polynomial(x, y, 2, DirectRegressionMethod.QR);
        return new Quadratic(c[0], c[1], c[2]);
    }

    public double At(double x) => C0 + (C1 + C2 * x) * x;

    public bool IsConcave => C2 < 0;

    /// <summary>The stationary point; null for a straight line.</summary>
    public double? Vertex => C2 == 0 ? null : -C1 / (2 * C2);

    /// <summary>The maximizer over [lo, hi]: the vertex of a concave fit inside it, else the better end (lo on a tie).</summary>
    public double ArgMaxOn(double lo, double hi)
    {
        if (IsConcave && Vertex is { } v && v >= lo && v <= hi)
            return v;
        return At(hi) > At(lo) ? hi : lo;
    }

    /// <summary>Share of the variance of <paramref name="y"/> the fit explains (1 for an exact fit; NaN for constant y).</summary>
    public double RSquared(double[] x, double[] y)
    {
        var mean = y.Average();
        double residual = 0, total = 0;
        for (var i = 0; i < x.Length; i++)
        {
            residual += Math.Pow(y[i] - At(x[i]), 2);
            total += Math.Pow(y[i] - mean, 2);
        }
        return total == 0 ? double.NaN : 1 - residual / total;
    }
}
