using Evolve.Search;
using Evolve.Search.Space;
using Evolve.Search.Store;
using Evolve.Tests.Child;

namespace Evolve.Tests.Search;

/// <summary>
/// Whole runs on the zoo through <see cref="SearchRun"/>, the library entry point of `evolve search`: a run killed
/// with SIGKILL in another process and resumed repeats the uninterrupted run candidate for candidate; the run
/// folder holds the hall of fame's recipes and its held-out scores; bad resumes are refused with the place named.
/// </summary>
public class SearchRunTests
{
    private const long Budget = 10;

    internal static string Space(string root) => ZooSearch.WriteSpace(Path.Combine(root, "space"), RepoPaths.Zoo, RepoPaths.ProxySets);

    private static void AssertSameHistory(RunStore expected, RunStore actual)
    {
        var (e, a) = (expected.ReadCandidates(), actual.ReadCandidates());
        Assert.Equal(e.Count, a.Count);
        for (var i = 0; i < e.Count; i++)
        {
            Assert.Equal((e[i].Id, e[i].Sequence, e[i].Status, e[i].Failure, e[i].Recipe, e[i].ItemsEvaluated, e[i].ItemsSaved, e[i].ServedFrom),
                (a[i].Id, a[i].Sequence, a[i].Status, a[i].Failure, a[i].Recipe, a[i].ItemsEvaluated, a[i].ItemsSaved, a[i].ServedFrom));
            Assert.Equal(e[i].Genome.Select(BitConverter.DoubleToInt64Bits), a[i].Genome.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(e[i].Fitness, a[i].Fitness);
            Assert.Equal(expected.ReadItemScores(e[i].Id), actual.ReadItemScores(a[i].Id));
        }
        Assert.Equal(expected.ReadHallOfFame(), actual.ReadHallOfFame());
        Assert.Equal(expected.ReadHeldOut().Select(h => (h.Rank, h.Candidate, h.Search, h.HeldOut)), actual.ReadHeldOut().Select(h => (h.Rank, h.Candidate, h.Search, h.HeldOut)));
    }

    [Fact]
    public async Task A_zoo_run_killed_with_sigkill_and_resumed_repeats_the_uninterrupted_run()
    {
        var root = RepoPaths.NewTempDir("search-run");
        var space = Space(root);
        var runs = Path.Combine(root, "runs");

        var uninterrupted = await SearchRun.RunAsync(ZooSearch.Request(space, runs, "whole", Budget));
        Assert.Equal(Budget, uninterrupted.Outcome.CandidatesTold);

        var child = ChildProcess.Start("zoo-search", space, runs, "killed", $"{Budget}");
        ChildProcess.KillWhen(child, line => line == "told 3");
        var killedFolder = Path.Combine(runs, "killed");
        using (var store = RunStore.Open(Path.Combine(killedFolder, "run.db")))
        {
            Assert.InRange(store.ReadCandidates().Count, 4, (int)Budget - 1);
            Assert.Empty(store.ReadHeldOut());
        }
        var resumed = await SearchRun.RunAsync(new SearchRunRequest { Resume = killedFolder, RetryDelay = TimeSpan.FromMilliseconds(1) });
        Assert.True(resumed.Outcome.Replayed >= 4);
        Assert.Equal(Budget, resumed.Outcome.CandidatesTold);

        using var whole = RunStore.Open(Path.Combine(runs, "whole", "run.db"));
        using var killed = RunStore.Open(Path.Combine(killedFolder, "run.db"));
        AssertSameHistory(whole, killed);
        // The killed session left no row; the resume recorded its own.
        Assert.Equal([$"evaluated the budget of {Budget} candidates"], killed.ReadSessionStopReasons());

        // The run folder: best/rank-N.yaml is each hall member's recipe, and the held-out table covers the hall.
        var hall = killed.ReadHallOfFame();
        Assert.NotEmpty(hall);
        for (var rank = 0; rank < hall.Count; rank++)
        {
            var text = File.ReadAllText(BestRecipes.FileOf(killedFolder, rank + 1));
            Assert.StartsWith($"# rank {rank + 1} of the hall of fame: candidate {hall[rank]},", text);
            Assert.Contains("\n# random draws (DARE/DELLA masks) use the run's seed 5: evolve merge --random-seed 5,", text); // seed: 5 in ZooSearch's space
            Assert.EndsWith(killed.ReadCandidate(hall[rank])!.Recipe, text);
        }
        Assert.False(File.Exists(BestRecipes.FileOf(killedFolder, hall.Count + 1)));
        var heldOut = killed.ReadHeldOut();
        Assert.Equal(hall, heldOut.Select(h => h.Candidate));
        Assert.All(heldOut, h =>
        {
            Assert.Equal(4 * ZooSearch.ItemsPerTask, h.HeldOut!.Value.Count);
            Assert.Equal(4 * ZooSearch.ItemsPerTask, h.Items.Count);
            Assert.Equal(h.Search.Estimate - h.HeldOut.Value.Estimate, h.Gap);
            // Exact match over equal-size tasks of equal weight: the held-out fitness is the share of items right.
            Assert.Equal(h.Items.Average(i => i.Value), h.HeldOut.Value.Estimate, 12);
        });
        Assert.Equal(resumed.Outcome.Incumbent!.Id, hall[0]);
        // Racing: every raced-out candidate scored part of the items and the rest is recorded as saved.
        var history = killed.ReadCandidates();
        Assert.Contains(history, c => c.Status == CandidateStatus.RacedOut);
        Assert.All(history.Where(c => c.Status == CandidateStatus.RacedOut), c =>
        {
            Assert.True(c.ItemsSaved > 0);
            Assert.Equal(4 * ZooSearch.ItemsPerTask, c.ItemsEvaluated + c.ItemsSaved);
            Assert.Equal(c.ItemsEvaluated, killed.ReadItemScores(c.Id).Count);
        });
    }
}

public class SearchResumeErrorTests
{
    private static Task<SearchRunResult> Resume(string folder) => SearchRun.RunAsync(new SearchRunRequest { Resume = folder });

    [Fact]
    public async Task Resuming_a_missing_or_corrupt_run_names_the_place_and_what_to_do()
    {
        var root = RepoPaths.NewTempDir("bad-resume");
        var missing = Path.Combine(root, "runs", "nope");
        Assert.Equal($"{missing}: no run folder here. give the folder of an earlier `evolve search` run, e.g. runs/<id>",
            (await Assert.ThrowsAsync<RunStoreException>(() => Resume(missing))).Message);

        var empty = Directory.CreateDirectory(Path.Combine(root, "runs", "empty")).FullName;
        Assert.Equal($"{Path.Combine(empty, "run.db")}: no run database here. give the run folder of an earlier `evolve search`",
            (await Assert.ThrowsAsync<RunStoreException>(() => Resume(empty))).Message);

        var corrupt = Directory.CreateDirectory(Path.Combine(root, "runs", "corrupt")).FullName;
        File.WriteAllBytes(Path.Combine(corrupt, "run.db"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray());
        Assert.StartsWith($"{Path.Combine(corrupt, "run.db")}: not an Evolve run database (",
            (await Assert.ThrowsAsync<RunStoreException>(() => Resume(corrupt))).Message);
    }

    [Fact]
    public async Task Resuming_after_the_search_space_changed_is_refused_before_anything_runs()
    {
        var root = RepoPaths.NewTempDir("changed-space");
        var space = SearchRunTests.Space(root);
        var runs = Path.Combine(root, "runs");
        var folder = Path.Combine(runs, "r");
        Directory.CreateDirectory(folder);
        var settings = new RunSettings(space, 5, null, 1, true, 5, 10);
        RunStore.Create(Path.Combine(folder, "run.db"), new RunInfo(File.ReadAllText(space), 5, "ga", "test", DateTimeOffset.UnixEpoch, settings.ToJson())).Dispose();
        File.AppendAllText(space, "# edited\n");
        Assert.Equal($"{space}: the search space changed since the run started, so its candidates would not replay. restore the file as it was (run.db holds its text in the run table), or start a new run",
            (await Assert.ThrowsAsync<RunStoreException>(() => Resume(folder))).Message);

        Assert.Equal($"{Path.Combine(folder, "run.db")}: the run was started with seed 5, not 6. resume without --seed, or start a new run",
            (await Assert.ThrowsAsync<RunStoreException>(() => SearchRun.RunAsync(new SearchRunRequest { Resume = folder, Seed = 6 }))).Message);

        File.Delete(space);
        Assert.Equal($"{space}: the run's search space is gone. restore it (run.db holds its text in the run table) and resume",
            (await Assert.ThrowsAsync<RunStoreException>(() => Resume(folder))).Message);
    }
}

/// <summary>Seed recipes given to a run besides its space's <c>seeds:</c> (e.g. a sweep's chosen recipe).</summary>
public class SearchSeedRecipeTests
{
    [Fact]
    public async Task A_seed_recipe_joins_the_first_candidates_and_a_resume_checks_it_unchanged()
    {
        var root = RepoPaths.NewTempDir("seed-recipe");
        var space = SearchRunTests.Space(root);
        var recipe = Path.Combine(root, "sweep-best.yaml");
        string Model(string name) => Path.Combine(RepoPaths.Zoo, name);
        File.WriteAllText(recipe, $"""
            merge_method: task_arithmetic
            base_model: {Model("base")}
            models:
              - model: {Model("nines")}
                parameters: {"{"}weight: 0.35{"}"}
              - model: {Model("enc")}
                parameters: {"{"}weight: 0.35{"}"}
              - model: {Model("spell")}
                parameters: {"{"}weight: 0.35{"}"}
            parameters:
              normalize: false
            dtype: float32

            """);
        var ownSeeds = SeedGenomes.Of(SearchSpace.Load(space)).Count;
        var runs = Path.Combine(root, "runs");
        await SearchRun.RunAsync(ZooSearch.Request(space, runs, "r", ownSeeds + 1) with { SeedRecipes = [recipe] });

        var folder = Path.Combine(runs, "r");
        using (var store = RunStore.Open(Path.Combine(folder, "run.db")))
        {
            // The space's own seeds come first, then the recipe's point: task arithmetic with every weight gene at 0.35.
            var seeded = store.ReadCandidates()[ownSeeds].Recipe;
            Assert.Contains("merge_method: task_arithmetic", seeded);
            var values = System.Text.RegularExpressions.Regex.Matches(seeded, @"value: ([0-9.]+)").Select(m => m.Groups[1].Value).ToArray();
            Assert.NotEmpty(values);
            Assert.All(values, v => Assert.Equal("0.35", v));
        }

        File.AppendAllText(recipe, "# edited\n");
        Assert.Equal($"{recipe}: the seed recipe changed since the run started, so its candidates would not replay. restore the file as it was (run.db holds its text in the run's settings), or start a new run",
            (await Assert.ThrowsAsync<RunStoreException>(() => SearchRun.RunAsync(new SearchRunRequest { Resume = folder }))).Message);
        File.Delete(recipe);
        Assert.Equal($"{recipe}: the run's seed recipe is gone. restore it (run.db holds its text in the run's settings) and resume",
            (await Assert.ThrowsAsync<RunStoreException>(() => SearchRun.RunAsync(new SearchRunRequest { Resume = folder }))).Message);
    }

    [Fact]
    public async Task A_missing_seed_recipe_is_refused_before_a_run_folder_is_made()
    {
        var root = RepoPaths.NewTempDir("seed-recipe-missing");
        var (missing, runs) = (Path.Combine(root, "nope.yaml"), Path.Combine(root, "runs"));
        var e = await Assert.ThrowsAsync<SearchSpaceException>(() =>
            SearchRun.RunAsync(ZooSearch.Request(SearchRunTests.Space(root), runs, "r", 2) with { SeedRecipes = [missing] }));
        Assert.Equal($"{missing}: no such seed recipe. give a mergekit recipe file, e.g. the sweep-best.yaml an `evolve sweep` wrote", e.Message);
        Assert.False(Directory.Exists(Path.Combine(runs, "r")));
    }
}
