using System.CommandLine;
using Evolve.Reporting;

namespace Evolve.Cli.Commands;

/// <summary>`evolve report runs/&lt;id&gt; [--out FILE]`: the run as one self-contained HTML page.</summary>
internal static class ReportCommand
{
    public static Command Create(TextWriter stdout)
    {
        var run = new Argument<string>("run") { Description = "The run folder (runs/<id>) or its run.db" };
        var output = new Option<string?>("--out") { Description = "The HTML file to write (default: runs/<id>/report.html)" };
        var command = new Command("report", "Write a run's report: one HTML file that opens offline (fitness over candidates, per-layer maps of the winner, methods, racing, sweep, held-out).");
        command.Arguments.Add(run);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var path = RunReport.Write(parse.GetValue(run)!, parse.GetValue(output));
            stdout.WriteLine($"report: {path}");
            return 0;
        });
        return command;
    }
}
