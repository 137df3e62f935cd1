using System.Diagnostics;
using Evolve.Merging.Output;
using Evolve.Merging.Recipes;
using Evolve.Search.Evaluation;

namespace Evolve.Search.Benchmarks;

/// <summary>A candidate evaluated the disk way: its scores and the time each step took.</summary>
internal sealed record DiskEvaluation(ModelScores Scores, double WriteMs, double OpenMs, double LoadScoreMs)
{
    public double TotalMs => WriteMs + OpenMs + LoadScoreMs;
}

/// <summary>
/// A candidate evaluated as mergekit-evolve does by default: the recipe merged and written to disk as a Hugging Face
/// folder (<see cref="MergeToFolder"/>), then scored by ordinary model scoring, which opens the graph and tokenizes the
/// items afresh (as an evaluation harness loads a new model per candidate), loads the folder and scores every item.
/// The baseline of <c>evolve bench search</c>.
/// </summary>
internal static class DiskWorkflow
{
    public static DiskEvaluation Evaluate(string recipeText, string? recipeFolder, string outputFolder, ModelScoringRequest scoring, int mergeThreads)
    {
        var recipe = RecipeYaml.Parse(recipeText, "candidate recipe");
        var clock = Stopwatch.StartNew();
        var written = MergeToFolder.Run(recipe, recipeFolder, outputFolder,
            new MergeToFolderOptions { Seed = scoring.Options.Seed, Threads = mergeThreads });
        var write = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        using var scorer = ModelScorer.Open(scoring with { Models = [written.Folder] });
        var open = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var scores = scorer.Score(written.Folder);
        return new DiskEvaluation(scores, write, open, clock.Elapsed.TotalMilliseconds);
    }
}
