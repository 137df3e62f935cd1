using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Evolve.Export;
using Evolve.Merging.Recipes;
using Evolve.Proxy.Statistics;
using Evolve.Search.Store;

namespace Evolve.Reporting;

/// <summary>
/// Everything a report shows, gathered from a run folder into one JSON object that the page embeds and its script
/// draws: the run's identity, every candidate in tell order (status, fitness with its 95% interval, merge method,
/// items scored and saved by racing), the best-so-far curve, method frequencies, the winner's per-layer parameter
/// maps, the hall of fame's search vs held-out scores, and a sweep and a soup (<see cref="CompanionFiles"/>) when given or beside the run.
/// </summary>
internal static partial class ReportData
{
    /// <param name="sweepFile">A sweep.json to draw; default: the run folder's, when it has one.</param>
    /// <param name="soupFile">A soup.json to draw; default: the run folder's, when it has one.</param>
    public static JsonObject Collect(RunFolder run, string? sweepFile = null, string? soupFile = null)
    {
        sweepFile ??= File.Exists(run.SweepFile) ? run.SweepFile : null;
        soupFile ??= File.Exists(run.SoupFile) ? run.SoupFile : null;
        using var store = RunStore.Open(run.Database);
        var info = store.ReadRun();
        var candidates = store.ReadCandidates();
        var hall = store.ReadHallOfFame();
        var fullItems = candidates.Where(c => c.Status == CandidateStatus.Ok && c.ServedFrom is null && c.Fitness is not null)
            .Select(c => c.Fitness!.Value.Count).DefaultIfEmpty(0).Max();

        var data = new JsonObject
        {
            ["run"] = new JsonObject
            {
                ["name"] = run.Name,
                ["seed"] = info.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["optimizer"] = info.Optimizer,
                ["toolVersion"] = info.ToolVersion,
                ["candidates"] = candidates.Count,
                ["ok"] = candidates.Count(c => c.Status == CandidateStatus.Ok),
                ["racedOut"] = candidates.Count(c => c.Status == CandidateStatus.RacedOut),
                ["failed"] = candidates.Count(c => c.Status == CandidateStatus.Failed),
                ["served"] = candidates.Count(c => c.ServedFrom is not null),
                ["itemsPerCandidate"] = fullItems,
                ["stopped"] = store.ReadSessionStopReasons() is [.., var last] ? last : null,
            },
            ["candidates"] = new JsonArray(candidates.Select(c => (JsonNode)Candidate(c)).ToArray()),
            ["best"] = BestSoFar(candidates),
            ["methods"] = Methods(candidates),
            ["hallOfFame"] = new JsonArray(hall.Select(id => (JsonNode)JsonValue.Create(id)).ToArray()),
            ["incumbent"] = hall.Count == 0 ? null : Incumbent(RunExport.HallOfFameMember(store, run, 1)),
            ["genes"] = Genes(store, run, hall, info.Seed),
            ["heldOut"] = HeldOut(store.ReadHeldOut()),
            ["sweep"] = sweepFile is null ? null : CompanionFiles.Sweep(sweepFile),
            ["soup"] = soupFile is null ? null : CompanionFiles.Soup(soupFile),
        };
        return data;
    }

    private static JsonObject Candidate(CandidateRecord c)
    {
        return new JsonObject
        {
            ["seq"] = c.Sequence,
            ["id"] = c.Id,
            ["status"] = c.Status switch { CandidateStatus.Ok => "ok", CandidateStatus.Failed => "failed", _ => "raced-out" },
            ["fitness"] = Number(c.Fitness?.Estimate),
            ["low"] = Number(c.Fitness?.Low),
            ["high"] = Number(c.Fitness?.High),
            ["method"] = Method(c.Recipe),
            ["itemsEvaluated"] = c.ItemsEvaluated,
            ["itemsSaved"] = c.ItemsSaved,
            ["servedFrom"] = c.ServedFrom,
            ["failure"] = c.Failure,
        };
    }

    /// <summary>Hall-of-fame rank 1: admitted by a paired test, so not always the highest estimate.</summary>
    private static JsonObject Incumbent(CandidateRecord c) =>
        new() { ["id"] = c.Id, ["fitness"] = Number(c.Fitness?.Estimate), ["low"] = Number(c.Fitness?.Low), ["high"] = Number(c.Fitness?.High) };

    /// <summary>The hall of fame re-scored on the held-out split, ranked from 1 in the stored rank order.</summary>
    private static JsonArray HeldOut(IReadOnlyList<HeldOutResult> results) =>
        new(results.OrderBy(r => r.Rank).Select((r, i) => (JsonNode)new JsonObject
        {
            ["rank"] = i + 1,
            ["candidate"] = r.Candidate,
            ["search"] = Interval(r.Search),
            ["heldOut"] = r.HeldOut is { } h ? Interval(h) : null,
            ["gap"] = Number(r.Gap),
            ["failure"] = r.Failure,
        }).ToArray());

    private static JsonObject Interval(Interval i) =>
        new() { ["estimate"] = Number(i.Estimate), ["low"] = Number(i.Low), ["high"] = Number(i.High) };

    /// <summary>After each told candidate, the best fully scored candidate so far and its interval (raced-out fitnesses are partial and never lead).</summary>
    private static JsonArray BestSoFar(IReadOnlyList<CandidateRecord> candidates)
    {
        var series = new JsonArray();
        Interval? best = null;
        long bestId = -1;
        foreach (var c in candidates)
        {
            if (c.Status == CandidateStatus.Ok && c.Fitness is { } f && (best is null || f.Estimate > best.Value.Estimate))
                (best, bestId) = (f, c.Id);
            if (best is { } b)
                series.Add(new JsonObject { ["seq"] = c.Sequence, ["fitness"] = b.Estimate, ["low"] = b.Low, ["high"] = b.High, ["id"] = bestId });
        }
        return series;
    }

    private static JsonArray Methods(IReadOnlyList<CandidateRecord> candidates) =>
        new(candidates.GroupBy(c => Method(c.Recipe)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (JsonNode)new JsonObject
            {
                ["method"] = g.Key,
                ["candidates"] = g.Count(),
                ["ok"] = g.Count(c => c.Status == CandidateStatus.Ok),
                ["best"] = Number(g.Where(c => c.Status == CandidateStatus.Ok && c.Fitness is not null).Select(c => (double?)c.Fitness!.Value.Estimate).Max()),
            }).ToArray());

    /// <summary>The winner's per-layer parameter maps, or why they cannot be drawn (no winner yet, models not on this machine).</summary>
    private static JsonObject Genes(RunStore store, RunFolder run, IReadOnlyList<long> hall, ulong seed)
    {
        if (hall.Count == 0)
            return new JsonObject { ["unavailable"] = "the hall of fame is empty" };
        var winner = RunExport.HallOfFameMember(store, run, 1);
        try
        {
            var recipe = RecipeYaml.Parse(winner.Recipe, $"{run.Database} (candidate {winner.Id})");
            var maps = GeneMaps.Of(recipe, null, seed);
            return new JsonObject
            {
                ["candidate"] = winner.Id,
                ["method"] = recipe.MergeMethod,
                ["maps"] = new JsonArray(maps.Select(m => (JsonNode)new JsonObject
                {
                    ["parameter"] = m.Parameter,
                    ["layers"] = m.Layers,
                    ["rows"] = new JsonArray(m.Rows.Select(r => (JsonNode)JsonValue.Create(r)!).ToArray()),
                    ["values"] = new JsonArray(m.Values.Select(row => (JsonNode)new JsonArray(row.Select(v => Number(v)).ToArray())).ToArray()),
                }).ToArray()),
            };
        }
        catch (Errors.EvolveInputException e)
        {
            return new JsonObject { ["candidate"] = winner.Id, ["unavailable"] = e.Message };
        }
    }

    private static string Method(string recipe) => MergeMethodLine().Match(recipe) is { Success: true } m ? m.Groups[1].Value.Trim('"', '\'') : "(none)";

    private static JsonNode? Number(double? v) => v is { } d && double.IsFinite(d) ? JsonValue.Create(d) : null;

    [GeneratedRegex(@"^merge_method:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex MergeMethodLine();
}
