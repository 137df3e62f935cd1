using Evolve.Export;

namespace Evolve.Reporting;

/// <summary><c>evolve report</c>'s library half: a run folder's report written as one self-contained HTML file (default <c>runs/&lt;id&gt;/report.html</c>).</summary>
internal static class RunReport
{
    public const string DefaultFileName = "report.html";

    /// <summary>Writes the report and returns its full path.</summary>
    /// <param name="sweep">A sweep folder or its sweep.json (default: the run folder's sweep.json, when there is one).</param>
    /// <param name="soup">A soup folder or its soup.json (default: the run folder's soup.json, when there is one).</param>
    public static string Write(string runPath, string? outputFile = null, string? sweep = null, string? soup = null)
    {
        var run = RunFolder.Locate(runPath);
        var data = ReportData.Collect(run,
            sweep is null ? null : CompanionFiles.Resolve(sweep, Path.GetFileName(run.SweepFile)),
            soup is null ? null : CompanionFiles.Resolve(soup, Path.GetFileName(run.SoupFile)));
        var path = Path.GetFullPath(outputFile ?? Path.Combine(run.Path, DefaultFileName));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Written beside and renamed, so a browser refreshing the old report never reads half a file.
        var partial = path + ".partial";
        File.WriteAllText(partial, ReportPage.Render(data, $"Evolve run {run.Name}"));
        File.Move(partial, path, overwrite: true);
        return path;
    }
}
