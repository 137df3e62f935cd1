using Evolve.Export;

namespace Evolve.Reporting;

/// <summary><c>evolve report</c>'s library half: a run folder's report written as one self-contained HTML file (default <c>runs/&lt;id&gt;/report.html</c>).</summary>
internal static class RunReport
{
    public const string DefaultFileName = "report.html";

    /// <summary>Writes the report and returns its full path.</summary>
    public static string Write(string runPath, string? outputFile = null)
    {
        var run = RunFolder.Locate(runPath);
        var data = ReportData.Collect(run);
        var path = Path.GetFullPath(outputFile ?? Path.Combine(run.Path, DefaultFileName));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Written beside and renamed, so a browser refreshing the old report never reads half a file.
        var partial = path + ".partial";
        File.WriteAllText(partial, ReportPage.Render(data, $"Evolve run {run.Name}"));
        File.Move(partial, path, overwrite: true);
        return path;
    }
}
