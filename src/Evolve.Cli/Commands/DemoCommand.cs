using System.CommandLine;
using System.Globalization;
using Evolve.Demo;
using Evolve.Search;
using Evolve.Search.Evaluation;

namespace Evolve.Cli.Commands;

/// <summary>`evolve demo`: the product end to end on the bundled zoo (<see cref="DemoRun"/>), each step printed as its own command prints it.</summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var root = new Option<string?>("--root") { Description = "The checkout that holds zoo/, proxy-sets/ and search-spaces/ (default: found from the program's location)" };
        var runs = new Option<string>("--runs") { Description = "Folder that holds run folders", DefaultValueFactory = _ => "runs" };
        var runId = new Option<string?>("--run-id") { Description = "Name of the demo's run folder (default: demo-<UTC time>)" };
        var budget = new Option<long>("--budget") { Description = "Candidates of the search", DefaultValueFactory = _ => DemoRequest.DefaultBudget };
        var session = new OrtOptions();
        var command = new Command("demo", "Run the main job on the bundled zoo: a ratio sweep, a short search, a greedy soup, an export and the HTML report.");
        foreach (var option in new Option[] { root, runs, runId, budget })
            command.Options.Add(option);
        session.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetResult(budget) is { Implicit: false } && result.GetValue(budget) < 1)
                result.AddError("--budget must be at least 1");
        });
        command.SetAction(parse =>
        {
            var request = new DemoRequest
            {
                Root = parse.GetValue(root),
                RunsFolder = parse.GetValue(runs)!,
                RunId = parse.GetValue(runId),
                Budget = parse.GetValue(budget),
                Strategy = session.Strategy(parse),
                Session = session.Settings(parse),
            };
            var result = DemoRun.RunAsync(request, Events(stdout, stderr)).GetAwaiter().GetResult();
            stdout.WriteLine();
            SweepCommand.Print(stdout, result.Sweep);
            stdout.WriteLine();
            SearchCommand.Print(stdout, result.Search);
            stdout.WriteLine();
            SoupCommand.Print(stdout, result.Soup);
            stdout.WriteLine();
            stdout.WriteLine($"exported the winner (candidate {result.Export.Candidate}) to {result.Export.Folder}: {string.Join(", ", result.Export.Files.Select(Path.GetFileName))}, {Path.GetFileName(result.Export.MergedFolder)}/");
            stdout.WriteLine($"report: {result.Report}");
            return 0;
        });
        return command;
    }

    /// <summary>Steps on stdout, scoring and search progress as plain lines on stderr (a candidate line every tenth).</summary>
    private static DemoEvents Events(TextWriter stdout, TextWriter stderr) => new()
    {
        Step = step => stdout.WriteLine($"== {step}"),
        Scoring = new Progress<ScoringProgress>(p => { lock (stderr) stderr.WriteLine($"  {p.Message}"); }),
        Search = new SearchRunEvents
        {
            Phase = phase => { lock (stderr) stderr.WriteLine($"  {phase}"); },
            Committed = (record, progress) =>
            {
                if ((record.Sequence + 1) % 10 != 0)
                    return;
                lock (stderr)
                    stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {record.Sequence + 1} candidates, best fitness {progress.BestFitness:F4}, {progress.Elapsed.TotalSeconds:F0} s"));
            },
        },
    };
}
