namespace Evolve.Cli.Output;

/// <summary>What a command that writes a JSON result file prints: that file with <c>--json</c>, its own table otherwise.</summary>
internal static class JsonOrTable
{
    public static int Print<T>(TextWriter stdout, bool json, T result, string jsonPath, Action<TextWriter, T> table)
    {
        if (json)
            stdout.Write(File.ReadAllText(jsonPath));
        else
            table(stdout, result);
        return 0;
    }
}
