using System.Globalization;

namespace Evolve.Sweeps;

/// <summary>
/// The values a sweep scores: <c>start:stop:step</c> (stop included when the steps reach it within 1e-9 of a step)
/// or a comma list <c>0,0.3,1</c>. Values are sorted, distinct, finite, and at least three, the fewest a quadratic
/// fit needs. Range values are computed as start + i·step and rounded to 12 decimals, so 0:1:0.1 gives 0.3, not
/// 0.30000000000000004.
/// </summary>
internal static class SweepGrid
{
    public const string DefaultText = "0:1:0.2";

    public static double[] Parse(string text, string location = "option --grid")
    {
        var values = text.Contains(':', StringComparison.Ordinal) ? Range(text, location) : List(text, location);
        Array.Sort(values);
        for (var i = 1; i < values.Length; i++)
            if (values[i] == values[i - 1])
                throw new SweepException(location, $"'{text}' repeats the value {Format(values[i])}", "list each value once");
        return values.Length >= 3 ? values
            : throw new SweepException(location, $"'{text}' gives {values.Length} value(s); a quadratic fit needs at least 3", "widen the range or shorten the step");
    }

    private static double[] Range(string text, string location)
    {
        var parts = text.Split(':');
        if (parts.Length != 3)
            throw new SweepException(location, $"'{text}' is not start:stop:step", "write e.g. 0:1:0.2");
        double start = Number(parts[0], text, location), stop = Number(parts[1], text, location), step = Number(parts[2], text, location);
        if (step <= 0 || stop < start)
            throw new SweepException(location, $"'{text}' needs start <= stop and a positive step", "write e.g. 0:1:0.2");
        var count = (long)Math.Floor((stop - start) / step + 1e-9) + 1;
        if (count > 1000)
            throw new SweepException(location, $"'{text}' has {count} points, each a full merge and scoring", "use a coarser step (at most 1000 points)");
        var values = new double[count];
        for (var i = 0; i < count; i++)
            values[i] = Math.Round(start + i * step, 12);
        return values;
    }

    private static double[] List(string text, string location) =>
        text.Split(',', StringSplitOptions.TrimEntries).Select(p => Number(p, text, location)).ToArray();

    private static double Number(string part, string text, string location) =>
        double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
            : throw new SweepException(location, $"'{part}' in '{text}' is not a finite number", "write start:stop:step or a comma list of numbers");

    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
