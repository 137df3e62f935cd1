using System.Globalization;
using Evolve.Export;
using Evolve.Onnx;
using Evolve.Reporting;
using Evolve.Search;
using Evolve.Search.Evaluation;
using Evolve.Search.Space;
using Evolve.Soups;
using Evolve.Sweeps;

namespace Evolve.Demo;

/// <summary>What `evolve demo` runs on the bundled zoo, and where its run folder goes.</summary>
internal sealed record DemoRequest
{
    /// <summary>The checkout holding zoo/, proxy-sets/ and search-spaces/ (default: found from the program's location).</summary>
    public string? Root { get; init; }

    public string RunsFolder { get; init; } = "runs";

    /// <summary>The run folder's name under <see cref="RunsFolder"/> (default demo-&lt;UTC time&gt;).</summary>
    public string? RunId { get; init; }

    /// <summary>Candidates of the search: a short search, a few minutes on two cores.</summary>
    public long Budget { get; init; } = DefaultBudget;

    public ScoringStrategy Strategy { get; init; } = ScoringStrategy.WeightsAsInputs;

    public OrtSessionSettings Session { get; init; } = OrtSessionSettings.Default;

    public const long DefaultBudget = 60;
}

/// <summary>Where the demo stands: a step begins, scoring progress inside the sweep and the soup, the search's own events.</summary>
internal sealed class DemoEvents
{
    public Action<string>? Step { get; init; }

    public IProgress<ScoringProgress>? Scoring { get; init; }

    public SearchRunEvents? Search { get; init; }
}

/// <summary>Every step's result; the report's path last.</summary>
internal sealed record DemoResult(string RunFolder, SweepResult Sweep, SearchRunResult Search, SoupResult Soup, ExportResult Export, string Report);

/// <summary>
/// The product end to end on the zoo (<c>search-spaces/zoo.yaml</c>), everything in one run folder so the report shows
/// it all: the proxy-task ratio sweep (task arithmetic, a shared scale on the three task vectors), a short search
/// seeded with the sweep's chosen recipe (besides the uniform average and Model Stock's point), the greedy soup of
/// the fine-tunes, the winner exported with its merged checkpoint, and the HTML report.
/// The sweep runs first because its folder becomes the run folder; the search then adds run.db beside sweep.json.
/// </summary>
internal static class DemoRun
{
    public static async Task<DemoResult> RunAsync(DemoRequest request, DemoEvents? events = null, CancellationToken cancellation = default)
    {
        events ??= new DemoEvents();
        var zoo = ZooLayout.Locate(request.Root);
        var space = SearchSpace.Load(zoo.SearchSpace);
        var id = request.RunId ?? "demo-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var folder = Path.GetFullPath(Path.Combine(request.RunsFolder, id));
        if (Directory.Exists(folder))
            throw new DemoFolderExistsException(folder);

        events.Step?.Invoke("1/5 ratio sweep: task arithmetic, one shared weight on the three task vectors");
        var sweep = Sweep.Run(SweepRequest.FromSpace(space, null, SweepGrid.Parse(SweepGrid.DefaultText), folder) with
        {
            Strategy = request.Strategy,
            Session = request.Session,
        }, events.Scoring);

        events.Step?.Invoke($"2/5 search: {request.Budget} candidates of {Path.GetFileName(zoo.SearchSpace)}, the sweep's chosen recipe among the seeds");
        var search = await SearchRun.RunAsync(new SearchRunRequest
        {
            Space = zoo.SearchSpace,
            SeedRecipes = [sweep.BestRecipePath],
            Budget = request.Budget,
            RunId = id,
            RunsFolder = request.RunsFolder,
            Strategy = request.Strategy,
            Session = request.Session,
        }, events.Search, cancellation);
        if (search.Outcome.Cancelled || search.Outcome.Incumbent is null)
            throw new OperationCanceledException($"the search stopped early ({search.Outcome.StopReason}); resume it with evolve search --resume {folder}");

        events.Step?.Invoke("3/5 greedy soup of the fine-tunes (held-out split)");
        var soup = Soup.Run(SoupRequest.FromSpace(space, folder) with { Strategy = request.Strategy, Session = request.Session }, events.Scoring);

        events.Step?.Invoke("4/5 export of the winner with its merged checkpoint");
        var export = RunExport.Run(folder, Path.Combine(folder, "export"), new ExportOptions { Merge = true });

        events.Step?.Invoke("5/5 report");
        var report = RunReport.Write(folder);
        return new DemoResult(folder, sweep, search, soup, export, report);
    }
}
