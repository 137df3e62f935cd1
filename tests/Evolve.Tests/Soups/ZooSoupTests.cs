using System.Text.Json;
using Evolve.Demo;
using Evolve.Merging.Output;
using Evolve.Onnx;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Statistics;
using Evolve.Proxy.Tasks;
using Evolve.Search.Evaluation;
using Evolve.Search.Store;
using Evolve.Soups;
using Evolve.Tests.Onnx;
using Evolve.Tests.Sweeps;

namespace Evolve.Tests.Soups;

/// <summary>Greedy soups of the zoo on 10 held-out items per task: what the soup reports is what its written recipe scores.</summary>
public class ZooSoupTests
{
    private static readonly ZooLayout Zoo = new(RepoPaths.Root);
    private static readonly string[] Specialists = ["nines", "enc", "spell"];

    private static string Model(string name) => Path.Combine(Zoo.ZooFolder, name);

    private static ModelScores ScoreHeldOut(string modelOrRecipe, ProxyDeclaration proxy) =>
        ModelScoring.Run(new ModelScoringRequest([modelOrRecipe], Zoo.BaseModel, Zoo.Onnx, proxy, new ScoringOptions(Seed: 5),
            ScoringStrategy.WeightsAsInputs, OrtSessionSettings.Default, HeldOut: true))[0];

    private static double[] Items(ModelScores s) => s.Tasks.SelectMany(t => t.Items.Select(i => i.Score)).ToArray();

    [ZooFact]
    public void A_checkpoint_soup_follows_the_greedy_rule_and_scores_as_its_written_recipe()
    {
        var folder = RepoPaths.NewTempDir("zoo-soup");
        var proxy = ZooProxySubset.Create(folder, 10);
        var result = Soup.Run(new SoupRequest(Zoo.BaseModel, Specialists.Select(Model).ToArray(), Zoo.Onnx, proxy, 5, "float32", Path.Combine(folder, "soup")));

        Assert.Equal(Specialists, result.Ingredients.Select(i => i.Name));
        for (var i = 0; i < Specialists.Length; i++)
            Assert.Equal(Items(ScoreHeldOut(Model(Specialists[i]), proxy)), Items(result.Ingredients[i].HeldOut));
        var steps = result.Greedy.Steps;
        Assert.Equal(result.Ingredients.Select(i => i.HeldOut.Fitness.Estimate).Max(), steps[0].Score.Fitness.Estimate);
        var soupScore = steps[0].Score.Fitness.Estimate;
        foreach (var step in steps.Skip(1))
        {
            Assert.Equal(step.Score.Fitness.Estimate >= soupScore, step.Added);
            if (step.Added)
                soupScore = step.Score.Fitness.Estimate;
        }
        Assert.Equal(soupScore, result.Greedy.Score.Fitness.Estimate);

        var written = ScoreHeldOut(result.RecipePath, proxy);
        Assert.Equal(Items(written), Items(result.Greedy.Score));
        Assert.Equal(written.Fitness, result.Greedy.Score.Fitness);
        Assert.Equal(ScoreHeldOut(result.UniformRecipePath, proxy).Fitness, result.Uniform.Fitness);

        using var json = JsonDocument.Parse(File.ReadAllText(result.JsonPath));
        Assert.Equal(SoupJson.Schema, json.RootElement.GetProperty("schema").GetString());
        Assert.Equal(steps.Count, json.RootElement.GetProperty("steps").GetArrayLength());
        Assert.Equal(result.Greedy.Members.Select(m => Specialists[m]), json.RootElement.GetProperty("soup").GetProperty("members").EnumerateArray().Select(e => e.GetString()));
    }

    private static string TaskArithmetic(double lambda) =>
        $"merge_method: task_arithmetic\nbase_model: {Model("base")}\nparameters:\n  lambda: {lambda}\nmodels:\n"
        + string.Concat(Specialists.Select(s => $"- model: {Model(s)}\n  parameters:\n    weight: 1\n")) + "dtype: float32\n";

    private static CandidateRecord Candidate(long id, string recipe, double fitness, CandidateStatus status = CandidateStatus.Ok) =>
        new(id, id, [id], recipe, RecipeHash.Of(recipe), status, null, new Interval(fitness, fitness - 0.1, fitness + 0.1, 40), 40,
            new Dictionary<string, double>(), null);

    [ZooFact]
    public void A_run_soup_averages_the_top_recipes_merges_and_scores_as_its_recipe_over_their_written_merges()
    {
        var folder = RepoPaths.NewTempDir("zoo-run-soup");
        var proxy = ZooProxySubset.Create(folder, 10);
        var run = Path.Combine(folder, "run");
        Directory.CreateDirectory(run);
        using (var store = RunStore.Create(Path.Combine(run, "run.db"), new RunInfo("space", 5, "ga", "test", DateTimeOffset.UnixEpoch)))
        {
            store.Commit(Candidate(0, TaskArithmetic(0.3), 0.50), []);
            store.Commit(Candidate(1, TaskArithmetic(0.6), 0.70), []);
            store.Commit(Candidate(2, TaskArithmetic(0.9), 0.60), [], hallOfFame: [2]);
            store.Commit(Candidate(3, TaskArithmetic(0.4), 0.90, CandidateStatus.RacedOut), []);
            store.Commit(Candidate(4, TaskArithmetic(0.5), 0.95, CandidateStatus.Failed), []);
            using var reopened = RunStore.Open(Path.Combine(run, "run.db"));
            // The hall of fame first, then by search fitness, then the raced-out candidates; never a failed one.
            Assert.Equal([2L, 1L, 0L, 3L], Soup.TopRecipes(reopened, 5).Select(c => c.Id));
        }

        var result = Soup.Run(new SoupRequest(Zoo.BaseModel, [], Zoo.Onnx, proxy, 5, "float32", Path.Combine(folder, "soup"), RunFolder: run, Top: 2));
        Assert.Equal([2L, 1L], result.Ingredients.Select(i => i.Candidate!.Value));
        Assert.Equal(TaskArithmetic(0.9), File.ReadAllText(result.Ingredients[0].Recipe!));
        Assert.Equal(Items(ScoreHeldOut(result.Ingredients[1].Recipe!, proxy)), Items(result.Ingredients[1].HeldOut));

        foreach (var ingredient in result.Ingredients)
            MergeToFolder.Run(ingredient.Recipe!, ingredient.Folder, new MergeToFolderOptions { Seed = 5, Threads = 2 });
        Assert.Equal(Items(ScoreHeldOut(result.UniformRecipePath, proxy)), Items(result.Uniform));
        Assert.Equal(ScoreHeldOut(result.RecipePath, proxy).Fitness, result.Greedy.Score.Fitness);
    }

    [ZooFact]
    public void Soups_that_cannot_be_made_say_why()
    {
        var folder = RepoPaths.NewTempDir("zoo-soup-errors");
        var proxy = ZooProxySubset.Create(folder, 2);
        SoupRequest Request(IReadOnlyList<string> models, ProxyDeclaration p, string? run = null, int top = 5) =>
            new(Zoo.BaseModel, models, Zoo.Onnx, p, 0, null, Path.Combine(folder, "out"), run, top);
        Assert.StartsWith("the search space: lists 1 model(s); a soup needs at least two",
            Assert.Throws<SoupException>(() => Soup.Run(Request([Model("nines")], proxy))).Message);
        Assert.StartsWith("option --top: 1 ingredient(s)",
            Assert.Throws<SoupException>(() => Soup.Run(Request([], proxy, folder, 1))).Message);
        Assert.Contains("the held-out split is empty",
            Assert.Throws<TaskSettingsException>(() => Soup.Run(Request([Model("nines"), Model("enc")], proxy with { HeldOutFiles = [] }))).Message);
        Assert.Contains("no run database here", Assert.Throws<RunStoreException>(() => Soup.Run(Request([], proxy, Path.Combine(folder, "nowhere"), 2))).Message);

        var run = Path.Combine(folder, "run");
        Directory.CreateDirectory(run);
        using (var store = RunStore.Create(Path.Combine(run, "run.db"), new RunInfo("space", 5, "ga", "test", DateTimeOffset.UnixEpoch)))
            store.Commit(Candidate(0, TaskArithmetic(0.5), 0.5), []);
        Assert.Contains("holds 1 scored recipe(s); a soup needs at least two", Assert.Throws<SoupException>(() => Soup.Run(Request([], proxy, run, 2))).Message);

        File.WriteAllText(Path.Combine(folder, "out", SoupResult.JsonFile), "{}");
        Assert.StartsWith(Path.Combine(folder, "out") + ": already holds a soup",
            Assert.Throws<SoupException>(() => Soup.Run(Request([Model("nines"), Model("enc")], proxy))).Message);
    }
}
