using System.Globalization;

namespace Evolve.Merging.Parameters;

/// <summary>A closed interval [Min, Max]; infinities stand for "unbounded".</summary>
internal readonly record struct ParameterRange(double Min, double Max)
{
    public static ParameterRange Unbounded { get; } = new(double.NegativeInfinity, double.PositiveInfinity);
    public static ParameterRange UnitInterval { get; } = new(0, 1);
    public static ParameterRange NonNegative { get; } = new(0, double.PositiveInfinity);

    public bool Contains(double value) => value >= Min && value <= Max;

    public bool IsFinite => double.IsFinite(Min) && double.IsFinite(Max);

    public override string ToString() =>
        $"[{Format(Min)}, {Format(Max)}]";

    private static string Format(double v) =>
        double.IsNegativeInfinity(v) ? "-inf" : double.IsPositiveInfinity(v) ? "inf" : v.ToString("G", CultureInfo.InvariantCulture);
}
