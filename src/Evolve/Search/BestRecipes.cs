using System.Globalization;
using Evolve.Search.Store;

namespace Evolve.Search;

/// <summary>
/// <c>runs/&lt;id&gt;/best/rank-N.yaml</c>: the hall of fame's recipes as mergekit YAML (rank 1 the incumbent), each
/// written to a temporary file and renamed over the old one, so a reader or a kill never sees half a recipe.
/// Ranks the hall no longer has are removed.
/// </summary>
internal static class BestRecipes
{
    public static string Folder(string runFolder) => Path.Combine(runFolder, "best");

    public static string FileOf(string runFolder, int rank) => Path.Combine(Folder(runFolder), $"rank-{rank}.yaml");

    public static void Write(string runFolder, RunStore store, IReadOnlyList<HallMember> members)
    {
        var folder = Folder(runFolder);
        Directory.CreateDirectory(folder);
        // DARE and DELLA masks are drawn from the run's seed, which a mergekit recipe cannot state: say it, or the
        // recipe merged again with another seed is another model.
        var seed = store.ReadRun().Seed;
        for (var i = 0; i < members.Count; i++)
        {
            var record = store.ReadCandidate(members[i].Id)
                ?? throw new InvalidOperationException($"hall-of-fame candidate {members[i].Id} is not in the run store");
            var f = members[i].Fitness;
            var header = string.Create(CultureInfo.InvariantCulture,
                $"# rank {i + 1} of the hall of fame: candidate {record.Id}, search fitness {f.Estimate:G6} [{f.Low:G6}, {f.High:G6}] over {f.Count} items\n"
                + $"# random draws (DARE/DELLA masks) use the run's seed {seed}: evolve merge --random-seed {seed}, evolve score --seed {seed}\n");
            var target = FileOf(runFolder, i + 1);
            var temporary = target + ".tmp";
            File.WriteAllText(temporary, header + record.Recipe);
            File.Move(temporary, target, overwrite: true);
        }
        foreach (var stale in Directory.GetFiles(folder, "rank-*.yaml"))
            if (int.TryParse(Path.GetFileNameWithoutExtension(stale)["rank-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var rank) && rank > members.Count)
                File.Delete(stale);
    }
}
