using System.Diagnostics;
using Evolve.Search.Store;
using Evolve.Tests.Child;

namespace Evolve.Tests.Search;

/// <summary>`evolve search` stopped by SIGTERM (a service manager, `kill`) ends as cleanly as on Ctrl-C: exit 0, the session recorded as interrupted, resumable.</summary>
public sealed class SearchSigtermTests
{
    [Fact]
    public async Task Sigterm_stops_a_cli_search_cleanly_and_resumably()
    {
        var root = RepoPaths.NewTempDir("search-sigterm");
        var space = ZooSearch.WriteSpace(Path.Combine(root, "space"), RepoPaths.Zoo, RepoPaths.ProxySets);
        var runs = Path.Combine(root, "runs");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Evolve.Cli.dll"), "search", space, "--budget", "500", "--runs", runs, "--run-id", "t" })
            info.ArgumentList.Add(a);
        using var child = Process.Start(info)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        try
        {
            // With stderr redirected the live display prints one line per candidate told.
            string? line;
            while ((line = child.StandardError.ReadLine()) is not null && !line.StartsWith("candidate 2:", StringComparison.Ordinal))
            {
            }
            Assert.NotNull(line);
            using (var kill = Process.Start("kill", ["-TERM", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                kill.WaitForExit();
            Assert.True(child.WaitForExit(TimeSpan.FromMinutes(2)), "the search did not stop after SIGTERM");
        }
        finally
        {
            if (!child.HasExited)
                child.Kill(entireProcessTree: true);
        }

        Assert.Equal(0, child.ExitCode);
        Assert.Contains($"resume with: evolve search --resume {Path.Combine(runs, "t")}", await stdout);
        using var store = RunStore.Open(Path.Combine(runs, "t", "run.db"));
        Assert.Equal(["interrupted; resume to continue"], store.ReadSessionStopReasons());
        Assert.InRange(store.ReadCandidates().Count, 3, 499);
    }
}
