using System.Globalization;
using Evolve.Proxy.Statistics;
using Evolve.Search.Store;

namespace Evolve.Tests.Reporting;

/// <summary>
/// A run folder written straight through the run store, with real mergekit recipes over zoo models: ten candidates
/// of four methods, scored, raced out, failed and served from the archive, a hall of fame of three, item scores on
/// two tasks and the fingerprints of the inputs. Fitnesses are set by hand so tests know every expected number.
/// </summary>
internal sealed class RunFixture
{
    public const ulong Seed = 20261122;

    /// <summary>(id, method, status, fitness, low, high, items evaluated, served from) in tell order.</summary>
    public static readonly (long Id, string Method, CandidateStatus Status, double? Fitness, double Low, double High, int Items, long? ServedFrom)[] Candidates =
    [
        (0, "linear", CandidateStatus.Ok, 0.40, 0.31, 0.49, 40, null),
        (1, "ties", CandidateStatus.Ok, 0.55, 0.45, 0.65, 40, null),
        (2, "task_arithmetic", CandidateStatus.RacedOut, 0.20, 0.05, 0.35, 12, null),
        (3, "dare_ties", CandidateStatus.Failed, null, 0, 0, 0, null),
        (4, "ties", CandidateStatus.Ok, 0.62, 0.52, 0.72, 40, null),
        (5, "ties", CandidateStatus.Ok, 0.55, 0.45, 0.65, 0, 1),
        (6, "linear", CandidateStatus.RacedOut, 0.30, 0.15, 0.45, 20, null),
        (7, "task_arithmetic", CandidateStatus.Ok, 0.58, 0.48, 0.68, 40, null),
        (8, "ties", CandidateStatus.Ok, 0.60, 0.50, 0.70, 40, null),
        (9, "dare_ties", CandidateStatus.RacedOut, 0.25, 0.10, 0.40, 8, null),
    ];

    /// <summary>Ids of the hall of fame, best first: 4 (0.62), 8 (0.60), 7 (0.58).</summary>
    public static readonly long[] HallOfFame = [4, 8, 7];

    public RunFixture(string folder, string modelRoot, bool recordInputs = true, Func<long, string>? recipeOverride = null)
    {
        Folder = folder;
        ModelRoot = modelRoot;
        Directory.CreateDirectory(folder);
        using var store = RunStore.Create(Path.Combine(folder, "run.db"),
            new RunInfo("space: fixture\n", Seed, "ga", "0.1.0-test", new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero)));
        for (var seq = 0; seq < Candidates.Length; seq++)
        {
            var c = Candidates[seq];
            var recipe = recipeOverride?.Invoke(c.Id) ?? Recipe(c.Method, c.Id);
            var fitness = c.Fitness is { } f ? new Interval(f, c.Low, c.High, c.Status == CandidateStatus.Ok ? 40 : c.Items) : (Interval?)null;
            var record = new CandidateRecord(c.Id, seq, [c.Id / 10.0], recipe, RecipeHash.Of(recipe), c.Status,
                c.Status == CandidateStatus.Failed ? "OrtException: out of memory" : null, fitness, c.Items,
                new Dictionary<string, double> { ["total"] = 100 + seq }, c.ServedFrom, c.Status == CandidateStatus.RacedOut ? 40 - c.Items : 0);
            store.Commit(record, c.ServedFrom is null ? Items(c.Id, c.Items) : [], "{}", seq == Candidates.Length - 1 ? HallOfFame : null);
        }
        // Held-out re-scores of the hall of fame: 0.57 [0.47, 0.67], 0.59 [0.49, 0.69], and a failure for the third.
        store.CommitHeldOut([
            new HeldOutResult(0, 4, new Interval(0.62, 0.52, 0.72, 40), new Interval(0.57, 0.47, 0.67, 40), HeldOutItems(4)),
            new HeldOutResult(1, 8, new Interval(0.60, 0.50, 0.70, 40), new Interval(0.59, 0.49, 0.69, 40), HeldOutItems(8)),
            new HeldOutResult(2, 7, new Interval(0.58, 0.48, 0.68, 40), null, [], "OrtException: out of memory"),
        ]);
        store.RecordSession(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero), "evaluated the budget of 10 candidates", 10, 8);
        if (recordInputs)
            RunInputs.Write(folder, RunInputs.Collect(ModelNames.Select(Model), null, [], []));
    }

    public static readonly string[] ModelNames = ["base", "enc", "nines", "spell"];

    public string Folder { get; }

    public string ModelRoot { get; }

    public string Model(string name) => Path.Combine(ModelRoot, name);

    /// <summary>A real recipe of the method over the zoo's specialists; the id varies its numbers so every recipe differs.</summary>
    public string Recipe(string method, long id)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var w = F(0.5 + id / 20.0);
        return method switch
        {
            "linear" => $"merge_method: linear\nmodels:\n  - model: {Model("enc")}\n    parameters:\n      weight: {w}\n  - model: {Model("nines")}\n    parameters:\n      weight: 0.5\n",
            "task_arithmetic" => $"merge_method: task_arithmetic\nbase_model: {Model("base")}\nparameters:\n  lambda: {w}\nmodels:\n  - model: {Model("enc")}\n    parameters:\n      weight: 1\n  - model: {Model("spell")}\n    parameters:\n      weight: 1\n",
            "dare_ties" => $"merge_method: dare_ties\nbase_model: {Model("base")}\nmodels:\n  - model: {Model("enc")}\n    parameters:\n      weight: {w}\n      density: 0.5\n  - model: {Model("nines")}\n    parameters:\n      weight: {w}\n      density: 0.5\n",
            // The winner's shape: a weight gradient over layers, a density filtered by module.
            _ => $"merge_method: ties\nbase_model: {Model("base")}\nparameters:\n  normalize: false\nmodels:\n"
                 + string.Concat(new[] { "enc", "nines", "spell" }.Select(m =>
                     $"  - model: {Model(m)}\n    parameters:\n      weight: [0.2, {w}]\n      density:\n        - filter: mlp\n          value: 0.7\n        - value: 0.4\n")),
        };
    }

    /// <summary>Item scores: task "enc" items e0…, "nines" items n0…, alternating; item k of candidate id scores 1 when (k + id) % 3 != 0.</summary>
    public static IReadOnlyList<StoredItemScore> Items(long id, int count) =>
        Enumerable.Range(0, count).Select(k => new StoredItemScore(k % 2 == 0 ? "enc" : "nines", $"{(k % 2 == 0 ? 'e' : 'n')}{k / 2:D2}", (k + id) % 3 != 0 ? 1.0 : 0.0)).ToArray();

    /// <summary>Held-out item scores: 10 "enc" items h0…, item k of candidate id scores 1 when (k + id) % 2 == 0.</summary>
    public static IReadOnlyList<StoredItemScore> HeldOutItems(long id) =>
        Enumerable.Range(0, 10).Select(k => new StoredItemScore("enc", $"h{k}", (k + id) % 2 == 0 ? 1.0 : 0.0)).ToArray();

    /// <summary>A copy of the zoo's base and specialists under a fresh folder (for tests that change an input).</summary>
    public static string CopyZoo(string purpose)
    {
        var root = RepoPaths.NewTempDir(purpose);
        foreach (var name in ModelNames)
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Zoo, name)))
                File.Copy(file, Path.Combine(root, name, Path.GetFileName(file)));
        }
        return root;
    }
}
