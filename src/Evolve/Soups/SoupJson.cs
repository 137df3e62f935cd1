using System.Text.Json;
using Evolve.Proxy.Statistics;
using Evolve.Proxy.Tasks;
using Evolve.Search.Evaluation;

namespace Evolve.Soups;

/// <summary>
/// <c>soup.json</c>, schema <c>evolve.soup/1</c>. Every interval is <c>{"estimate", "low", "high"}</c> (95%), on
/// the held-out split; file paths are relative to the soup folder.
/// <code>
/// {
///   "schema": "evolve.soup/1",
///   "source": "checkpoints" | "run", "run": "/…/runs/ID" | null, "split": "heldout", "seed": 0,
///   "ingredients": [                          // input order (checkpoints) or rank order (run)
///     { "name": "nines" | "rank-01", "folder": "/…/nines" | "ingredients/rank-01",
///       "recipe": null | "ingredients/rank-01.yaml", "candidate": null | 17, "search_fitness": null | {interval},
///       "fitness": {interval}, "tasks": [ { "task", "metric", "weight", "n", "score": {interval} } ] } ],
///   "order": ["enc", "nines", …],             // by held-out fitness, best first: the order ingredients are tried
///   "steps": [                                // the first step is the best ingredient alone
///     { "step": 0, "ingredient": "enc", "soup": ["enc"], "fitness": {interval}, "added": true } ],
///   "soup": { "members": […], "fitness": {interval}, "tasks": […], "recipe": "soup.yaml" },
///   "uniform": { "members": [every ingredient], "fitness": {interval}, "tasks": […], "recipe": "uniform-soup.yaml" },
///   "merge_first": [ "ingredients/rank-01.yaml", … ]   // run soups: recipes to merge into their folders before the soup
/// }
/// </code>
/// </summary>
internal static class SoupJson
{
    public const string Schema = "evolve.soup/1";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static string Write(SoupResult result)
    {
        var ingredients = result.Ingredients;
        string Relative(string path) => Path.IsPathRooted(path) && path.StartsWith(result.OutputFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? Path.GetRelativePath(result.OutputFolder, path).Replace('\\', '/')
            : path;
        string[] Names(IReadOnlyList<int> members) => members.Select(i => ingredients[i].Name).ToArray();
        var json = new
        {
            schema = Schema,
            source = result.RunFolder is null ? "checkpoints" : "run",
            run = result.RunFolder,
            split = "heldout",
            seed = result.Seed,
            ingredients = ingredients.Select(i => new
            {
                name = i.Name,
                folder = Relative(i.Folder),
                recipe = i.Recipe is null ? null : Relative(i.Recipe),
                candidate = i.Candidate,
                search_fitness = i.SearchFitness is { } s ? Interval(s) : null,
                fitness = Interval(i.HeldOut.Fitness),
                tasks = Tasks(i.HeldOut),
            }),
            order = Names(result.Greedy.Order),
            steps = result.Greedy.Steps.Select((s, k) => new
            {
                step = k,
                ingredient = ingredients[s.Ingredient].Name,
                soup = Names(s.Soup),
                fitness = Interval(s.Score.Fitness),
                added = s.Added,
            }),
            soup = new { members = Names(result.Greedy.Members), fitness = Interval(result.Greedy.Score.Fitness), tasks = Tasks(result.Greedy.Score), recipe = SoupResult.RecipeFile },
            uniform = new
            {
                members = ingredients.Select(i => i.Name),
                fitness = Interval(result.Uniform.Fitness),
                tasks = Tasks(result.Uniform),
                recipe = SoupResult.UniformRecipeFile,
            },
            merge_first = ingredients.Where(i => i.Recipe is not null).Select(i => Relative(i.Recipe!)),
        };
        return JsonSerializer.Serialize(json, Options) + "\n";
    }

    private static object Tasks(ModelScores scores) =>
        scores.Tasks.Select(t => new { task = t.Task, metric = t.Metric.Name(), weight = t.Weight, n = t.Items.Count, score = Interval(t.Score) });

    private static object Interval(Interval i) => new { estimate = i.Estimate, low = i.Low, high = i.High };
}
