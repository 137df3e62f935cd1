namespace Evolve.Proxy.Statistics;

/// <summary>A point estimate with its two-sided confidence interval over <see cref="Count"/> items.</summary>
public readonly record struct Interval(double Estimate, double Low, double High, int Count)
{
    /// <summary>The z quantile of a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    public double HalfWidth => (High - Low) / 2;

    public override string ToString() => $"{Estimate:F4} [{Low:F4}, {High:F4}]";
}
