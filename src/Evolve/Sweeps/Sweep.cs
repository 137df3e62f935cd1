using Evolve.Merging.Recipes;
using Evolve.Search.Evaluation;

namespace Evolve.Sweeps;

/// <summary>
/// <c>evolve sweep</c>'s library half (also run by <c>evolve demo</c>): writes each grid point's recipe to
/// <c>DIR/points/pNN.yaml</c>, scores them merged in memory through one scorer (exactly as <c>evolve score</c> scores
/// those files), fits the quadratic and its peak, scores the recipe at t* when the fit has an interior peak, and writes
/// <c>DIR/sweep.json</c> (<see cref="SweepJson"/>) and <c>DIR/sweep-best.yaml</c>, the chosen recipe as mergekit YAML,
/// which a search space can list under <c>seeds:</c>.
/// </summary>
internal static class Sweep
{
    public static SweepResult Run(SweepRequest request, IProgress<ScoringProgress>? progress = null)
    {
        if (request.Grid.Count < 3)
            throw new SweepException("option --grid", $"{request.Grid.Count} value(s); a quadratic fit needs at least 3");
        var grid = request.Grid.Order().ToArray();
        var design = SweepDesign.Create(request.BaseModel, request.Models, request.Method, request.Parameter);
        var output = Path.GetFullPath(request.OutputFolder);
        if (File.Exists(Path.Combine(output, SweepResult.JsonFile)))
            throw new SweepException(output, "already holds a sweep", "choose another --out folder");
        var pointRecipes = design.Recipes(grid);
        var pointsFolder = Path.Combine(output, "points");
        Directory.CreateDirectory(pointsFolder);
        var recipes = pointRecipes.Select((r, i) => Write(r with { DType = request.DType }, Path.Combine(pointsFolder, $"p{i:00}.yaml"))).ToArray();

        var scoring = new ModelScoringRequest([], request.BaseModel, request.Onnx, request.Proxy, request.ScoringOptions, request.Strategy,
            request.Session ?? Onnx.OrtSessionSettings.Default, request.HeldOut);
        using var scorer = ModelScorer.Open(scoring);
        var total = grid.Length + 1;
        var points = new List<SweepPoint>();
        progress?.Report(new ScoringProgress(0, total, $"{design.Method} over {design.Parameter} = {string.Join(", ", grid.Select(SweepGrid.Format))}; {scorer.ItemCount} items"));
        for (var i = 0; i < grid.Length; i++)
        {
            var scores = scorer.Score(recipes[i]);
            points.Add(new SweepPoint(grid[i], Path.GetRelativePath(output, recipes[i]), scores.Tasks, scores.Fitness));
            progress?.Report(new ScoringProgress(i + 1, total, $"{design.Parameter} = {SweepGrid.Format(grid[i])}: fitness {scores.Fitness}"));
        }
        var analysis = SweepAnalysis.Of(points, request.Seed, request.Resamples);

        var best = Path.Combine(output, SweepResult.BestRecipeFile);
        var gridPoint = points.FirstOrDefault(p => p.X == analysis.Chosen);
        Write(design.At(analysis.Chosen) with { DType = request.DType }, best);
        var chosenFitness = gridPoint?.Fitness ?? scorer.Score(best).Fitness;
        progress?.Report(new ScoringProgress(total, total, analysis.Peak is { } peak
            ? $"t* = {SweepGrid.Format(peak)}: fitness {chosenFitness}"
            : $"no interior peak ({string.Join(", ", analysis.Flags.Select(SweepPlot.Describe))}): best grid point {SweepGrid.Format(analysis.Chosen)}"));

        var result = new SweepResult(design.Method, design.Parameter, request.BaseModel, request.Models, request.HeldOut, request.Seed,
            analysis, chosenFitness, output);
        File.WriteAllText(result.JsonPath, SweepJson.Write(result));
        return result;
    }

    private static string Write(Recipe recipe, string path)
    {
        File.WriteAllText(path, RecipeYaml.Write(recipe));
        return path;
    }
}
