using System.Globalization;

namespace Evolve.Sweeps;

/// <summary>
/// A sweep drawn in plain text for the terminal: each point's estimate (o) with its 95% CI as an error bar (|), the
/// fitted quadratic (.), and a column of colons at the chosen value (t*, or the best grid point when flagged).
/// </summary>
internal static class SweepPlot
{
    public const char Point = 'o';
    public const char Bar = '|';
    public const char Curve = '.';
    public const char Marker = ':';

    private const int LabelWidth = 9;

    /// <summary>Where the plot area starts: the y labels, the axis and a one-column gutter, so a bar at the first value stands apart from the axis.</summary>
    private const int PlotStart = LabelWidth + 1;

    public static IReadOnlyList<string> Render(SweepAnalysis sweep, string parameter, int width = 61, int height = 17)
    {
        double lo = sweep.GridLow, hi = sweep.GridHigh;
        var curve = Enumerable.Range(0, width).Select(c => sweep.Fit.At(XAt(c, lo, hi, width))).ToArray();
        var yMin = Math.Min(sweep.Points.Min(p => p.Fitness.Low), curve.Min());
        var yMax = Math.Max(sweep.Points.Max(p => p.Fitness.High), curve.Max());
        if (!(yMax > yMin))
            (yMin, yMax) = (yMin - 0.5, yMax + 0.5);
        var grid = new char[height][];
        for (var r = 0; r < height; r++)
            grid[r] = Enumerable.Repeat(' ', width).ToArray();
        int Row(double y) => Math.Clamp((int)Math.Round((yMax - y) / (yMax - yMin) * (height - 1)), 0, height - 1);

        for (var c = 0; c < width; c++)
            grid[Row(curve[c])][c] = Curve;
        var chosen = Column(sweep.Chosen, lo, hi, width);
        for (var r = 0; r < height; r++)
            if (grid[r][chosen] == ' ')
                grid[r][chosen] = Marker;
        foreach (var p in sweep.Points)
        {
            var c = Column(p.X, lo, hi, width);
            for (var r = Row(p.Fitness.High); r <= Row(p.Fitness.Low); r++)
                grid[r][c] = Bar;
            grid[Row(p.Fitness.Estimate)][c] = Point;
        }

        var lines = new List<string>();
        for (var r = 0; r < height; r++)
        {
            var label = r == 0 || r == height - 1 || r == height / 2
                ? (yMax - r * (yMax - yMin) / (height - 1)).ToString("F3", CultureInfo.InvariantCulture)
                : "";
            lines.Add(label.PadLeft(LabelWidth - 2) + " | " + new string(grid[r]));
        }
        lines.Add(new string(' ', LabelWidth - 1) + "+" + new string('-', width + 1));
        lines.Add(AxisLabels(sweep, lo, hi, width));
        var what = sweep.Peak is not null ? $"t* = {Number(sweep.Chosen)}" : $"best grid point {Number(sweep.Chosen)} (no peak: {string.Join(", ", sweep.Flags.Select(Describe))})";
        lines.Add($"{new string(' ', PlotStart)}{Point} fitness  {Bar} 95% CI  {Curve} quadratic fit  {Marker} {what}   x: {parameter}");
        return lines;
    }

    public static string Describe(SweepFlag flag) => flag switch
    {
        SweepFlag.NotConcave => "the fit is not concave",
        SweepFlag.PeakOutsideGrid => "the fitted peak lies outside the grid",
        _ => flag.ToString(),
    };

    private static string AxisLabels(SweepAnalysis sweep, double lo, double hi, int width)
    {
        var axis = Enumerable.Repeat(' ', PlotStart + width + 8).ToArray();
        void Put(double x, string text)
        {
            var start = Math.Clamp(PlotStart + Column(x, lo, hi, width) - text.Length / 2, 0, axis.Length - text.Length);
            if (axis.AsSpan(Math.Max(0, start - 1), Math.Min(text.Length + 2, axis.Length - Math.Max(0, start - 1))).ContainsAnyExcept(' '))
                return;
            text.CopyTo(axis.AsSpan(start));
        }
        Put(sweep.Chosen, Number(sweep.Chosen));
        foreach (var p in sweep.Points)
            Put(p.X, Number(p.X));
        return new string(axis).TrimEnd();
    }

    private static double XAt(int column, double lo, double hi, int width) => lo + column * (hi - lo) / (width - 1);

    public static int Column(double x, double lo, double hi, int width) => Math.Clamp((int)Math.Round((x - lo) / (hi - lo) * (width - 1)), 0, width - 1);

    private static string Number(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);
}
