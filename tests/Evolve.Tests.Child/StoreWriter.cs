using Evolve.Proxy.Statistics;
using Evolve.Search.Store;

namespace Evolve.Tests.Child;

/// <summary>
/// Commits candidates as fast as it can, each a pure function of its index, and prints "committed i" after each
/// commit; the test kills it mid-way and checks every committed candidate against <see cref="Expected"/>.
/// </summary>
internal static class StoreWriter
{
    public const int Genes = 8;
    public const int ItemsPerCandidate = 40;

    public static CandidateRecord Expected(long i)
    {
        var genome = Enumerable.Range(0, Genes).Select(g => Math.Sin(i * 31 + g) * 1e3 + 1.0 / (g + 1)).ToArray();
        var recipe = $"merge_method: ties\n# candidate {i}\n" + string.Join("\n", genome.Select(v => v.ToString("R")));
        var failed = i % 5 == 4;
        return new CandidateRecord(
            i, i, genome, recipe, RecipeHash.Of(recipe),
            failed ? CandidateStatus.Failed : CandidateStatus.Ok,
            failed ? $"NaN in merged tensor model.layers.{i % 7}.mlp" : null,
            failed ? null : new Interval(0.5 + i * 1e-3, 0.4 + i * 1e-3, 0.6 + i * 1e-3, ItemsPerCandidate),
            failed ? 0 : ItemsPerCandidate,
            new Dictionary<string, double> { ["merge"] = i * 0.5, ["score"] = i * 2.0 },
            null);
    }

    public static IReadOnlyList<StoredItemScore> ExpectedItems(long i) =>
        Expected(i).Status == CandidateStatus.Failed
            ? []
            : Enumerable.Range(0, ItemsPerCandidate).Select(k => new StoredItemScore("arith", $"item-{k:D3}", (i * 7 + k) % 11 / 10.0)).ToArray();

    public static string ExpectedState(long i) => $"{{\"after\":{i},\"pad\":\"{new string('x', 2000)}\"}}";

    public static int Run(string path, int count)
    {
        using var store = RunStore.Create(path, new RunInfo("space: kill test", 7, "ga", "test", DateTimeOffset.UnixEpoch));
        for (long i = 0; i < count; i++)
        {
            store.Commit(Expected(i), ExpectedItems(i), ExpectedState(i), [i]);
            Console.Out.WriteLine($"committed {i}");
            Console.Out.Flush();
        }
        return 0;
    }
}
