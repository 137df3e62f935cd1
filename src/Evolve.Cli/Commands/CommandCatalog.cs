using System.CommandLine;

namespace Evolve.Cli.Commands;

/// <summary>Every `evolve` subcommand, one file each in this folder.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All(TextWriter stdout, TextWriter stderr)
    {
        yield return DemoCommand.Create(stdout, stderr);
        yield return VersionCommand.Create(stdout);
        yield return MergeCommand.Create(stdout);
        yield return ExportCommand.Create(stdout);
        yield return ReportCommand.Create(stdout);
        yield return TokenizeCommand.Create(stdout);
        yield return InspectCommand.Create(stdout);
        yield return ScoreCommand.Create(stdout, stderr);
        yield return SweepCommand.Create(stdout, stderr);
        yield return SoupCommand.Create(stdout, stderr);
        yield return SearchCommand.Create(stdout, stderr);
        yield return BenchCommand.Create(stdout);
    }
}
