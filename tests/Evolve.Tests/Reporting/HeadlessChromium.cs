using System.Diagnostics;
using System.Text.Json;

namespace Evolve.Tests.Reporting;

/// <summary>
/// Debian's chromium driven by Playwright (playwright-core from npm, installed into tools/report-check on first use)
/// through tools/report-check/check.mjs, which opens a report with every network request refused and answers what
/// rendered as JSON.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly object InstallLock = new();

    public static string? Executable =>
        new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    public static string Tool => Path.Combine(RepoPaths.Root, "tools", "report-check");

    public static JsonDocument Check(string report, string? screenshot = null)
    {
        EnsurePlaywright();
        List<string> args = [Path.Combine(Tool, "check.mjs"), report, "--chromium", Executable!];
        if (screenshot is not null) args.AddRange(["--screenshot", screenshot]);
        var (code, stdout, stderr) = Run("node", args, Tool, TimeSpan.FromMinutes(2));
        if (code != 0) throw new InvalidOperationException($"check.mjs exited {code}: {stderr}");
        return JsonDocument.Parse(stdout);
    }

    private static void EnsurePlaywright()
    {
        lock (InstallLock)
        {
            if (File.Exists(Path.Combine(Tool, "node_modules", "playwright-core", "package.json"))) return;
            var (code, _, stderr) = Run("npm", ["install", "--no-package-lock", "--no-audit", "--no-fund", "--silent"], Tool, TimeSpan.FromMinutes(5));
            if (code != 0) throw new InvalidOperationException($"npm install in tools/report-check failed ({code}): {stderr}");
        }
    }

    private static (int Code, string Out, string Err) Run(string file, IEnumerable<string> args, string folder, TimeSpan limit)
    {
        var info = new ProcessStartInfo(file, args) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} ran past {limit}");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A fact that needs chromium; skipped only when it is not installed, and then the skip reason says so loudly.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Executable is null)
            Skip = "CHROMIUM IS NOT INSTALLED: the report's browser test did NOT run. Install Debian's chromium (apt-get install -y chromium; .ci/run does) or set CHROMIUM=/path/to/chromium";
    }
}
