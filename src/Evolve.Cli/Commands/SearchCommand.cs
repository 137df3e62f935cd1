using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Evolve.Cli.Output;
using Evolve.Search;
using Evolve.Search.Store;
using Evolve.Search.Terminations;
using Spectre.Console;

namespace Evolve.Cli.Commands;

/// <summary>
/// `evolve search SPACE.yaml [--budget N] [--hours H] [--seed S] [--optimizer ga|cmaes|random] [--run-id ID] [--in-flight K]`
/// and `evolve search --resume runs/ID`: runs <see cref="SearchRun"/> with a live display on stderr; Ctrl-C stops
/// it cleanly (candidates in flight are dropped, everything committed stays) and `--resume` continues it.
/// </summary>
internal static class SearchCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var space = new Argument<string?>("space") { Description = "The search space (YAML, see search-spaces/zoo.yaml)", Arity = ArgumentArity.ZeroOrOne };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder (runs/<id>) on its identical trajectory" };
        var budget = new Option<long?>("--budget") { Description = $"Candidates to evaluate (default {SearchRunRequest.DefaultBudget}; on resume, a larger budget extends the run)" };
        var hours = new Option<double?>("--hours") { Description = "Stop asking for candidates after this many hours (this session)" };
        var seed = new Option<ulong?>("--seed") { Description = "Run seed (default: the space's seed)" };
        var seedRecipe = new Option<string[]>("--seed-recipe")
        {
            Description = "A recipe whose point joins the initial population after the space's seeds (e.g. a sweep's sweep-best.yaml); repeatable",
        };
        var optimizer = new Option<string?>("--optimizer") { Description = "ga (default), cmaes or random" };
        optimizer.AcceptOnlyFromAmong("ga", "cmaes", "random");
        var runId = new Option<string?>("--run-id") { Description = "Name of the run folder under --runs (default: date, time, space, optimizer, seed)" };
        var runs = new Option<string>("--runs") { Description = "Folder that holds run folders", DefaultValueFactory = _ => "runs" };
        var inFlight = new Option<int?>("--in-flight") { Description = "Candidates evaluated at once (default 1; more overlaps merging with scoring)" };
        var noRacing = new Option<bool>("--no-racing") { Description = "Score every candidate on every item instead of racing it against the incumbent" };
        var session = new OrtOptions();

        var command = new Command("search", "Search merge recipes: evolve a search space's genes, every candidate merged in memory and scored; resumable.");
        command.Arguments.Add(space);
        foreach (var option in new Option[] { resume, budget, hours, seed, seedRecipe, optimizer, runId, runs, inFlight, noRacing })
            command.Options.Add(option);
        session.AddTo(command);
        command.Validators.Add(result =>
        {
            var hasSpace = result.GetValue(space) is not null;
            var hasResume = result.GetValue(resume) is not null;
            if (hasSpace == hasResume)
                result.AddError("give a search space to start a run, or --resume RUN_FOLDER to continue one (not both)");
            else if (hasResume && (result.GetValue(runId) is not null || result.GetValue(noRacing) || result.GetValue(seedRecipe) is { Length: > 0 }))
                result.AddError("--run-id, --no-racing and --seed-recipe apply to a new run; a resumed run keeps its own");
        });
        command.SetAction(parse =>
        {
            var request = new SearchRunRequest
            {
                Space = parse.GetValue(space),
                Resume = parse.GetValue(resume),
                Budget = parse.GetValue(budget),
                Hours = parse.GetValue(hours),
                Seed = parse.GetValue(seed),
                SeedRecipes = parse.GetValue(seedRecipe) ?? [],
                Optimizer = parse.GetValue(optimizer),
                RunId = parse.GetValue(runId),
                RunsFolder = parse.GetValue(runs)!,
                InFlight = parse.GetValue(inFlight),
                Racing = !parse.GetValue(noRacing),
                Strategy = session.Strategy(parse),
                Session = session.Settings(parse),
            };
            using var interrupt = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                // The first Ctrl-C stops the run cleanly (the process stays up to commit and close the store); a
                // second one ends the process at once, which loses nothing committed either.
                e.Cancel = !interrupt.IsCancellationRequested;
                interrupt.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            // A service manager or `kill` stops a run with SIGTERM: stop as cleanly as on Ctrl-C.
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                interrupt.Cancel();
            });
            try
            {
                var result = Run(request, stderr, interrupt.Token);
                Print(stdout, result);
                return result.Outcome.Aborted ? CliApp.InternalFailure : CliApp.Ok;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        });
        return command;
    }

    private static SearchRunResult Run(SearchRunRequest request, TextWriter stderr, CancellationToken cancellation)
    {
        var view = new LiveView();
        if (!ReferenceEquals(stderr, Console.Error) || Console.IsErrorRedirected)
        {
            var events = view.Events(() => { }, line => { lock (stderr) stderr.WriteLine(line); });
            return SearchRun.RunAsync(request, events, cancellation).GetAwaiter().GetResult();
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        SearchRunResult? result = null;
        console.Live(view.Render()).AutoClear(false).Start(ctx =>
        {
            var events = view.Events(() =>
            {
                ctx.UpdateTarget(view.Render());
                ctx.Refresh();
            }, _ => { });
            result = SearchRun.RunAsync(request, events, cancellation).GetAwaiter().GetResult();
            ctx.UpdateTarget(view.Render());
        });
        return result!;
    }

    internal static void Print(TextWriter stdout, SearchRunResult result)
    {
        var o = result.Outcome;
        stdout.WriteLine($"run: {result.RunFolder}");
        stdout.WriteLine($"stopped: {o.StopReason}");
        var served = o.CandidatesTold - o.Evaluated - o.Replayed;
        stdout.WriteLine($"candidates: {o.CandidatesTold} told ({o.Evaluated} evaluated and {served} served from the archive of identical recipes this session, {o.Replayed} replayed from the store)");
        if (o.Incumbent is { } best)
            stdout.WriteLine($"incumbent: candidate {best.Id}, search fitness {F(best.Fitness.Estimate)} [{F(best.Fitness.Low)}, {F(best.Fitness.High)}] -> {Path.Combine(result.RunFolder, "best", "rank-1.yaml")}");
        if (o.Cancelled)
            stdout.WriteLine($"resume with: evolve search --resume {result.RunFolder}");
        if (result.HeldOut.Count == 0)
            return;
        stdout.WriteLine("hall of fame on the held-out split (never seen by the search); gap = search - held-out:");
        TextTable.Print(stdout, ["rank", "candidate", "search", "held-out", "gap"], result.HeldOut.Select(h => new[]
        {
            (h.Rank + 1).ToString(CultureInfo.InvariantCulture),
            h.Candidate.ToString(CultureInfo.InvariantCulture),
            $"{F(h.Search.Estimate)} [{F(h.Search.Low)}, {F(h.Search.High)}]",
            h.HeldOut is { } ho ? $"{F(ho.Estimate)} [{F(ho.Low)}, {F(ho.High)}]" : $"failed: {h.Failure}",
            h.Gap is { } gap ? F(gap) : "",
        }).ToArray());
    }

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>The display's state, updated from the run's events.</summary>
    private sealed class LiveView
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly object _gate = new();
        private string _phase = "starting";
        private string _folder = "";
        private long _budget;
        private int _itemsPerCandidate;
        private long _told;
        private long _toldThisSession;
        private long _failed;
        private long _racedOut;
        private long _itemsSaved;
        private long _itemsPossible;
        private HallMember? _incumbent;
        private string _incumbentRecipe = "";

        public SearchRunEvents Events(Action refresh, Action<string> line) => new()
        {
            Phase = phase =>
            {
                lock (_gate) _phase = phase;
                line(phase);
                refresh();
            },
            Started = start =>
            {
                lock (_gate) (_folder, _budget, _itemsPerCandidate, _told) = (start.Folder, start.Budget, start.SearchItems, start.Stored);
                line($"run folder {start.Folder}: budget {start.Budget} candidates, {start.SearchItems} search items each, {start.Stored} already in the store");
                refresh();
            },
            Committed = (record, progress) =>
            {
                lock (_gate)
                {
                    _told = progress.CandidatesDone;
                    _toldThisSession++;
                    if (record.Status == CandidateStatus.Failed) _failed++;
                    if (record.Status == CandidateStatus.RacedOut) _racedOut++;
                    if (record.ServedFrom is null && record.Status != CandidateStatus.Failed)
                    {
                        _itemsSaved += record.ItemsSaved;
                        _itemsPossible += _itemsPerCandidate;
                    }
                }
                line(string.Create(CultureInfo.InvariantCulture,
                    $"candidate {record.Id}: {Status(record)}{(record.Fitness is { } f ? $" fitness {f.Estimate:0.0000}" : "")}"));
                refresh();
            },
            HallOfFameChanged = (members, brief) =>
            {
                lock (_gate) (_incumbent, _incumbentRecipe) = (members[0], brief);
                line(string.Create(CultureInfo.InvariantCulture, $"incumbent: candidate {members[0].Id}, fitness {members[0].Fitness}: {brief}"));
                refresh();
            },
        };

        private static string Status(CandidateRecord record) => record.Status switch
        {
            CandidateStatus.Failed => $"failed ({record.Failure})",
            CandidateStatus.RacedOut => $"raced out after {record.ItemsEvaluated} items",
            _ => record.ServedFrom is { } from ? $"same recipe as candidate {from}" : "ok",
        };

        public Spectre.Console.Rendering.IRenderable Render()
        {
            lock (_gate)
            {
                var minutes = _clock.Elapsed.TotalMinutes;
                var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("").AddColumn("");
                table.AddRow("run", Markup.Escape(_folder));
                table.AddRow("phase", Markup.Escape(_phase));
                table.AddRow("candidates", string.Create(CultureInfo.InvariantCulture,
                    $"{_told} / {_budget}  ({(minutes > 0 ? _toldThisSession / minutes : 0):0.0}/min, {_failed} failed, {_racedOut} raced out)"));
                table.AddRow("incumbent", _incumbent is { } best
                    ? string.Create(CultureInfo.InvariantCulture, $"candidate {best.Id}: {best.Fitness.Estimate:0.0000} ± {best.Fitness.HalfWidth:0.0000} (95% CI {best.Fitness.Low:0.0000} … {best.Fitness.High:0.0000})")
                    : "none yet");
                table.AddRow("recipe", Markup.Escape(_incumbentRecipe));
                table.AddRow("racing", _itemsPossible == 0 ? "no items saved yet"
                    : string.Create(CultureInfo.InvariantCulture, $"{_itemsSaved} of {_itemsPossible} items saved ({100.0 * _itemsSaved / _itemsPossible:0.0}%)"));
                return table;
            }
        }
    }
}
