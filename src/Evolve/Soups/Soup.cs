using Evolve.Checkpoints;
using Evolve.Merging.Execution;
using Evolve.Merging.Planning;
using Evolve.Merging.Recipes;
using Evolve.Search.Evaluation;
using Evolve.Search.Store;

namespace Evolve.Soups;

/// <summary>
/// <c>evolve soup</c>'s library half (also run by <c>evolve demo</c>). Ingredients are the request's checkpoints, or
/// the best recipes of a run, each merged in memory. Every soup tried is a linear merge with equal weights over its
/// ingredients' weights (for a run, their merged float32 weights), computed in memory and scored on the held-out split;
/// <see cref="GreedySoup"/> picks the members. Writes <c>DIR/soup.json</c> (<see cref="SoupJson"/>),
/// <c>DIR/soup.yaml</c> and <c>DIR/uniform-soup.yaml</c>, both mergekit linear recipes over the ingredients' folders.
/// A run's ingredients are not checkpoints: their recipes go to <c>DIR/ingredients/rank-NN.yaml</c> and the soup
/// recipes name the folders <c>DIR/ingredients/rank-NN</c> that merging each of them writes (an average of merges is
/// one mergekit recipe only in special cases, e.g. linear merges of the same models, so it is never collapsed).
/// </summary>
internal static class Soup
{
    public static SoupResult Run(SoupRequest request, IProgress<ScoringProgress>? progress = null)
    {
        var output = Path.GetFullPath(request.OutputFolder);
        if (File.Exists(Path.Combine(output, SoupResult.JsonFile)))
            throw new SoupException(output, "already holds a soup", "choose another --out folder");
        if (request.RunFolder is null && request.Models.Count < 2)
            throw new SoupException("the search space", $"lists {request.Models.Count} model(s); a soup needs at least two", "list the fine-tunes under models:");
        if (request.RunFolder is not null && request.Top < 2)
            throw new SoupException("option --top", $"{request.Top} ingredient(s); a soup needs at least two", "give --top 2 or more");
        Directory.CreateDirectory(output);

        using var scorer = ModelScorer.Open(new ModelScoringRequest([], request.BaseModel, request.Onnx, request.Proxy, request.ScoringOptions,
            request.Strategy, request.Session ?? Onnx.OrtSessionSettings.Default, HeldOut: true));
        var held = new List<(ITensorSource Weights, IDisposable Owner)>();
        try
        {
            var ingredients = request.RunFolder is null ? Checkpoints(request, scorer, held) : RunRecipes(request, output, scorer, held);
            var total = ingredients.Count * 2;
            progress?.Report(new ScoringProgress(ingredients.Count, total,
                $"ingredients by held-out fitness: {string.Join(", ", ingredients.OrderByDescending(i => i.HeldOut.Fitness.Estimate).Select(i => $"{i.Name} {i.HeldOut.Fitness.Estimate:F4}"))}"));

            using var weights = new WeightSet();
            var executor = new MergeExecutor();
            ModelScores Score(IReadOnlyList<int> members)
            {
                var recipe = LinearSoup(ingredients, members, request.DType);
                using var models = ModelSet.Borrow(members.Select(i => (new ModelReference(ingredients[i].Folder), held[i].Weights)));
                executor.MergeInto(MergePlanner.Plan(recipe, models, request.Seed), weights);
                using var snapshot = weights.Acquire();
                return scorer.Score($"soup of {string.Join(" + ", members.Select(i => ingredients[i].Name))}", snapshot);
            }
            var done = ingredients.Count;
            var greedy = GreedySoup.Run(ingredients.Select(i => i.HeldOut).ToArray(), s => s.Fitness.Estimate, members =>
            {
                var scores = Score(members);
                progress?.Report(new ScoringProgress(++done, total, $"{scores.Model}: held-out fitness {scores.Fitness}"));
                return scores;
            });
            var last = greedy.Steps[^1];
            var uniform = last.Soup.Count == ingredients.Count ? last.Score : Score(Enumerable.Range(0, ingredients.Count).ToArray());
            progress?.Report(new ScoringProgress(total, total, $"uniform soup of all {ingredients.Count}: held-out fitness {uniform.Fitness}"));

            var result = new SoupResult(request.RunFolder is null ? null : Path.GetFullPath(request.RunFolder), request.Seed, ingredients, greedy, uniform, output);
            File.WriteAllText(result.RecipePath, RecipeYaml.Write(LinearSoup(ingredients, greedy.Members, request.DType)));
            File.WriteAllText(result.UniformRecipePath, RecipeYaml.Write(LinearSoup(ingredients, Enumerable.Range(0, ingredients.Count).ToArray(), request.DType)));
            File.WriteAllText(result.JsonPath, SoupJson.Write(result));
            return result;
        }
        finally
        {
            foreach (var (_, owner) in held)
                owner.Dispose();
        }
    }

    /// <summary>mergekit's uniform soup: a linear merge, every member weighted 1 (normalize divides by the count).</summary>
    internal static Recipe LinearSoup(IReadOnlyList<SoupIngredient> ingredients, IReadOnlyList<int> members, string? dtype) =>
        new("linear", null, ParameterMap.Empty,
            new ValueList<ModelEntry>(members.Select(i => new ModelEntry(new ModelReference(ingredients[i].Folder), ParameterMap.Of(("weight", new NumberSetting(1)))))),
            null, dtype);

    private static List<SoupIngredient> Checkpoints(SoupRequest request, ModelScorer scorer, List<(ITensorSource, IDisposable)> held)
    {
        var ingredients = new List<SoupIngredient>();
        foreach (var path in request.Models)
        {
            var folder = HfModelFolder.Open(path);
            held.Add((folder.Weights, folder));
            ingredients.Add(new SoupIngredient(Path.GetFileName(Path.TrimEndingDirectorySeparator(path)), Path.GetFullPath(path), null, null, null,
                scorer.Score(path, folder.Weights)));
        }
        return ingredients;
    }

    private static List<SoupIngredient> RunRecipes(SoupRequest request, string output, ModelScorer scorer, List<(ITensorSource, IDisposable)> held)
    {
        var runFolder = request.RunFolder!;
        var database = File.Exists(runFolder) ? runFolder : Path.Combine(runFolder, "run.db");
        IReadOnlyList<CandidateRecord> top;
        using (var store = RunStore.Open(database))
            top = TopRecipes(store, request.Top);
        if (top.Count < 2)
            throw new SoupException(database, $"holds {top.Count} scored recipe(s); a soup needs at least two", "let the search run longer");
        var folder = Path.Combine(output, "ingredients");
        Directory.CreateDirectory(folder);
        var ingredients = new List<SoupIngredient>();
        for (var rank = 0; rank < top.Count; rank++)
        {
            var candidate = top[rank];
            var name = $"rank-{rank + 1:00}";
            var recipeFile = Path.Combine(folder, name + ".yaml");
            File.WriteAllText(recipeFile, candidate.Recipe);
            var merged = MergedRecipe.Merge(RecipeYaml.Parse(candidate.Recipe, $"{database} candidate {candidate.Id}"), request.RecipeFolder, request.Seed);
            held.Add((merged.Weights, merged));
            ingredients.Add(new SoupIngredient(name, Path.Combine(folder, name), recipeFile, candidate.Id, candidate.Fitness,
                scorer.Score($"{name} (candidate {candidate.Id})", merged.Weights)));
        }
        return ingredients;
    }

    /// <summary>
    /// The hall of fame in rank order, then the other fully scored candidates by search fitness, then those racing
    /// stopped early (their fitness covers only the items they reached, so they rank after every full one); one per
    /// distinct recipe. Every ingredient is re-scored on the held-out split, so this order only picks which K.
    /// </summary>
    internal static IReadOnlyList<CandidateRecord> TopRecipes(RunStore store, int count)
    {
        var candidates = store.ReadCandidates()
            .Where(c => c.Status is CandidateStatus.Ok or CandidateStatus.RacedOut && c.Fitness is not null && c.ServedFrom is null).ToArray();
        var byId = candidates.ToDictionary(c => c.Id);
        var hallOfFame = store.ReadHallOfFame().Where(byId.ContainsKey).Select(id => byId[id]);
        var rest = candidates.OrderBy(c => c.Status == CandidateStatus.Ok ? 0 : 1).ThenByDescending(c => c.Fitness!.Value.Estimate).ThenBy(c => c.Sequence);
        return hallOfFame.Concat(rest).DistinctBy(c => c.RecipeHash).Take(count).ToArray();
    }
}
