using Evolve.Merging.Output;
using Evolve.Merging.Recipes;
using Evolve.Search.Store;

namespace Evolve.Export;

/// <summary>
/// <c>evolve export</c>'s library half: the recipe of one hall-of-fame member of a run, written for production as
/// mergekit YAML (checked against mergekit's configuration schema), as Evolve's native recipe JSON, and with a
/// <c>manifest.json</c> that pins every input by SHA-256; optionally the merged checkpoint beside them
/// (<see cref="MergeToFolder"/>, masks seeded with the run's seed). Inputs the run recorded are re-hashed first: a
/// file that changed since the run stops the export and is named.
/// </summary>
internal static class RunExport
{
    public static ExportResult Run(string runPath, string outputFolder, ExportOptions options)
    {
        var run = RunFolder.Locate(runPath);
        using var store = RunStore.Open(run.Database);
        var info = store.ReadRun();
        var candidate = HallOfFameMember(store, run, options.Rank);
        var where = $"{run.Database} (candidate {candidate.Id}, rank {options.Rank})";
        var recipe = RecipeYaml.Parse(candidate.Recipe, where);
        var yaml = RecipeYaml.Write(recipe);
        if (MergekitSchema.Violations(yaml) is [var first, ..] violations)
            throw new ExportException(where, $"the recipe is not valid for mergekit: {first}{(violations.Count > 1 ? $" (and {violations.Count - 1} more)" : "")}",
                "export another rank, or write the recipe by hand from `evolve merge`'s mergekit_config.yml");

        var recorded = RunInputs.Read(run.Path);
        var inputs = recorded is null ? CollectFromRecipe(recipe) : Verify(recorded);

        outputFolder = Path.GetFullPath(outputFolder);
        if (Directory.Exists(outputFolder) && Directory.EnumerateFileSystemEntries(outputFolder).Any())
            throw new ExportException(outputFolder, "the output folder exists and is not empty", "choose a new folder or empty this one");
        // Everything goes into a sibling staging folder renamed into place at the end: the output folder either does
        // not exist or holds a complete export, whatever fails or is interrupted on the way.
        var staging = Path.Combine(Path.GetDirectoryName(outputFolder)!, $".{Path.GetFileName(outputFolder)}.partial-{Environment.ProcessId}");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        try
        {
            File.WriteAllText(Path.Combine(staging, ExportFiles.RecipeYaml), yaml);
            File.WriteAllText(Path.Combine(staging, ExportFiles.RecipeJson), RecipeJson.Write(recipe));
            var written = Fingerprints(staging, [ExportFiles.RecipeYaml, ExportFiles.RecipeJson]);

            IReadOnlyList<RunInput>? merged = null;
            if (options.Merge)
            {
                var modelFolder = Path.Combine(staging, ExportFiles.MergedFolder);
                MergeToFolder.Run(recipe, null, modelFolder, new MergeToFolderOptions
                {
                    Seed = info.Seed, Threads = options.Threads, Progress = options.MergeProgress,
                });
                merged = Fingerprints(modelFolder, Directory.GetFiles(modelFolder).Select(Path.GetFileName).OfType<string>());
            }

            File.WriteAllText(Path.Combine(staging, ExportFiles.Manifest), ExportManifest.Write(new ExportManifest.Content(
                run, info, candidate, options.Rank, written, inputs, recorded is not null, CandidateScores.Read(store, candidate), merged)));
            if (Directory.Exists(outputFolder)) Directory.Delete(outputFolder);
            Directory.Move(staging, outputFolder);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
        return new ExportResult(candidate.Id, options.Rank, outputFolder,
            new[] { ExportFiles.RecipeYaml, ExportFiles.RecipeJson, ExportFiles.Manifest }.Select(f => Path.Combine(outputFolder, f)).ToArray(),
            options.Merge ? Path.Combine(outputFolder, ExportFiles.MergedFolder) : null);
    }

    /// <summary>The files of a folder by name (not path), in name order, so the manifest does not depend on where the export went.</summary>
    private static RunInput[] Fingerprints(string folder, IEnumerable<string> names) =>
        names.Order(StringComparer.Ordinal).Select(n => RunInputs.Fingerprint("output", folder, Path.Combine(folder, n)) with { Owner = "", Path = n }).ToArray();

    /// <summary>The candidate at a 1-based hall-of-fame rank.</summary>
    public static CandidateRecord HallOfFameMember(RunStore store, RunFolder run, int rank)
    {
        var hall = store.ReadHallOfFame();
        if (hall.Count == 0)
            throw new ExportException(run.Database, "the run's hall of fame is empty (no candidate was scored on every item yet)",
                "let the search evaluate candidates, or resume it with `evolve search --resume`");
        if (rank < 1 || rank > hall.Count)
            throw new ExportException(run.Database, $"rank {rank} asked, the hall of fame holds ranks 1 to {hall.Count}", $"choose --rank between 1 and {hall.Count}");
        return store.ReadCandidate(hall[rank - 1])
               ?? throw new RunStoreException(run.Database, $"the hall of fame names candidate {hall[rank - 1]}, which the run does not hold", "the run database is damaged: start a new run");
    }

    /// <summary>Every recorded input re-hashed; the first that is missing or changed stops the export.</summary>
    private static IReadOnlyList<RunInput> Verify(IReadOnlyList<RunInput> recorded)
    {
        foreach (var input in recorded)
        {
            if (!File.Exists(input.Path))
                throw new ExportException(input.Path, $"this {input.Role} file of the run is missing", "restore it, or export on the machine that ran the search");
            var now = RunInputs.Fingerprint(input.Role, input.Owner, input.Path);
            if (now.Sha256 != input.Sha256)
                throw new ExportException(input.Path,
                    $"this {input.Role} file changed since the run (sha256 now {now.Sha256[..12]}…, the run read {input.Sha256[..12]}…, {input.Bytes} → {now.Bytes} bytes)",
                    "restore the file the run used, or search again on the changed inputs");
        }
        return recorded;
    }

    /// <summary>For a run that recorded no inputs: the model folders the recipe names, hashed now.</summary>
    private static IReadOnlyList<RunInput> CollectFromRecipe(Recipe recipe)
    {
        var folders = new List<string>();
        foreach (var model in recipe.AllModels())
        {
            if (!Directory.Exists(model.Path))
                throw new ExportException(model.Path, "a model of the recipe is not a local folder", "run the export from the folder the search ran in");
            folders.Add(model.Path);
            if (model.Lora is not null) folders.AddRange(model.Lora.Split('+'));
        }
        return RunInputs.Collect(folders.Distinct(), null, [], []);
    }
}
