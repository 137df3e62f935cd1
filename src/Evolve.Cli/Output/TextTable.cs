namespace Evolve.Cli.Output;

/// <summary>Plain left-aligned columns: readable in a terminal, a log file and a test's expected string alike.</summary>
internal static class TextTable
{
    public static void Print(TextWriter output, string[] header, IReadOnlyList<string[]> rows, string indent = "  ")
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
            output.WriteLine(indent + string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
    }
}
