using System.CommandLine;
using Evolve.Reporting;

namespace Evolve.Cli.Commands;

/// <summary>`evolve report runs/&lt;id&gt; [--out FILE] [--sweep DIR] [--soup DIR]`: the run as one self-contained HTML page.</summary>
internal static class ReportCommand
{
    public static Command Create(TextWriter stdout)
    {
        var run = new Argument<string>("run") { Description = "The run folder (runs/<id>) or its run.db" };
        var output = new Option<string?>("--out") { Description = "The HTML file to write (default: runs/<id>/report.html)" };
        var sweep = new Option<string?>("--sweep") { Description = "A sweep folder or its sweep.json to draw (default: the run folder's, if any)" };
        var soup = new Option<string?>("--soup") { Description = "A soup folder or its soup.json to draw (default: the run folder's, if any)" };
        var command = new Command("report", "Write a run's report: one HTML file that opens offline (fitness over candidates, per-layer maps of the winner, methods, racing, sweep, held-out).");
        command.Arguments.Add(run);
        command.Options.Add(output);
        command.Options.Add(sweep);
        command.Options.Add(soup);
        command.SetAction(parse =>
        {
            var path = RunReport.Write(parse.GetValue(run)!, parse.GetValue(output), parse.GetValue(sweep), parse.GetValue(soup));
            stdout.WriteLine($"report: {path}");
            return 0;
        });
        return command;
    }
}
