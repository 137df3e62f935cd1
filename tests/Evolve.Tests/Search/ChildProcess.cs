using System.Diagnostics;

namespace Evolve.Tests.Search;

/// <summary>Runs the test-only Evolve.Tests.Child program (copied beside the test assembly) under the same dotnet host.</summary>
internal static class ChildProcess
{
    public static Process Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Evolve.Tests.Child.dll");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start " + dll);
    }

    /// <summary>Reads the child's output until a line satisfies <paramref name="until"/>, then kills it with SIGKILL.</summary>
    public static void KillWhen(Process child, Func<string, bool> until)
    {
        try
        {
            string? line;
            while ((line = child.StandardOutput.ReadLine()) is not null)
                if (until(line))
                    break;
            if (line is null)
                throw new InvalidOperationException("the child ended before the kill point: " + child.StandardError.ReadToEnd());
        }
        finally
        {
            if (!child.HasExited)
                child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
    }
}
