using System.CommandLine;

namespace Evolve.Cli.Commands;

/// <summary>`evolve bench AREA`: benchmarks that report a ratio against a baseline measured in the same run.</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter stdout)
    {
        var command = new Command("bench", "Measure an area's throughput against a baseline measured in the same run.");
        command.Subcommands.Add(BenchLoadCommand.Create(stdout));
        command.Subcommands.Add(BenchMergeCommand.Create(stdout));
        command.Subcommands.Add(BenchOrtCommand.Create(stdout));
        command.Subcommands.Add(BenchTokenizeCommand.Create(stdout));
        command.Subcommands.Add(BenchScoreCommand.Create(stdout));
        command.Subcommands.Add(BenchSearchCommand.Create(stdout));
        return command;
    }
}
