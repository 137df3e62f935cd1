using System.Diagnostics;
using System.Text.Json.Nodes;
using Evolve.Checkpoints;
using Evolve.Merging.Execution;
using Evolve.Merging.Planning;
using Evolve.Merging.Recipes;

namespace Evolve.Merging.Output;

/// <summary>Settings of a merge written to disk.</summary>
internal sealed record MergeToFolderOptions
{
    /// <summary>Largest shard in bytes; null writes one file.</summary>
    public long? MaxShardBytes { get; init; } = 5_000_000_000;

    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Seed of DARE/DELLA masks.</summary>
    public ulong Seed { get; init; }

    public IProgress<MergeProgress>? Progress { get; init; }

    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Writes companion artifacts into the staging folder before it is renamed into place, so they are as atomic as
    /// the checkpoint (e.g. the base's ONNX graph carrying the merged weights). Arguments: the staging folder, which
    /// already holds the merged checkpoint, and the reference (base) model's folder.
    /// </summary>
    public Action<string, string>? AlsoWrite { get; init; }
}

/// <summary>What a merge wrote.</summary>
internal sealed record MergeToFolderResult(string Folder, IReadOnlyList<string> Files, int Tensors, int OutputLayers, DType? TorchDType,
    MergeStats Stats);

/// <summary>
/// <c>evolve merge</c>'s library half: plan the recipe, stream merged tensors into sharded safetensors + index, write
/// config.json (torch_dtype = out_dtype, else dtype, else the reference model's; num_hidden_layers = the output's
/// layer count), copy the tokenizer files of tokenizer_source (default: the base, else the first model) and the recipe
/// as mergekit_config.yml. Everything is written into a temporary sibling folder renamed into place at the end, so
/// the output folder either does not exist or is complete.
/// </summary>
internal static class MergeToFolder
{
    public static MergeToFolderResult Run(string recipePath, string outputFolder, MergeToFolderOptions options)
    {
        var recipe = RecipeYaml.Load(recipePath);
        return Run(recipe, Path.GetDirectoryName(Path.GetFullPath(recipePath)), outputFolder, options);
    }

    public static MergeToFolderResult Run(Recipe recipe, string? recipeFolder, string outputFolder, MergeToFolderOptions options)
    {
        var clock = Stopwatch.StartNew();
        outputFolder = Path.GetFullPath(outputFolder);
        if (Directory.Exists(outputFolder) && Directory.EnumerateFileSystemEntries(outputFolder).Any())
            throw new RecipeException(outputFolder, "the output folder exists and is not empty", "Choose a new folder or empty this one");
        using var locator = new ModelLocator(recipeFolder);
        using var models = ModelSet.Open(recipe.AllModels(), locator.Open);
        var plan = MergePlanner.Plan(recipe, models, options.Seed);
        var reference = locator.Folder(plan.ReferenceModel);
        var tokenizerModel = recipe.TokenizerSource is null or "base" ? plan.ReferenceModel : ModelReference.Parse(recipe.TokenizerSource);

        var staging = Path.Combine(Path.GetDirectoryName(outputFolder)!, $".{Path.GetFileName(outputFolder)}.partial-{Environment.ProcessId}");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        try
        {
            var executor = new MergeExecutor(new MergeExecutorOptions { Threads = options.Threads, Progress = options.Progress, Cancellation = options.Cancellation, ReleaseInputPages = true });
            var tensors = executor.Stream(plan, WriterOrder(plan));
            var written = CheckpointWriter.WriteFolder(staging, tensors, new CheckpointWriteOptions { MaxShardBytes = options.MaxShardBytes });
            var torchDType = OutputDType(recipe, plan);
            if (reference.Config is { } config)
            {
                // A parsed number, as config.json's own values are (ModelConfig reads integers as long).
                var updated = config.With("num_hidden_layers", JsonNode.Parse(plan.OutputLayers.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                if (torchDType is { } d) updated = updated.With("torch_dtype", RecipeDTypes.TorchName(d));
                updated.Write(Path.Combine(staging, ModelConfig.FileName));
            }
            foreach (var file in locator.Folder(tokenizerModel).TokenizerFiles)
                File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
            File.WriteAllText(Path.Combine(staging, "mergekit_config.yml"), RecipeYaml.Write(recipe));
            options.AlsoWrite?.Invoke(staging, reference.Path);
            if (Directory.Exists(outputFolder)) Directory.Delete(outputFolder);
            Directory.Move(staging, outputFolder);
            var files = written.Files.Select(f => Path.Combine(outputFolder, Path.GetFileName(f))).ToList();
            if (written.IndexPath is not null) files.Add(Path.Combine(outputFolder, Path.GetFileName(written.IndexPath)));
            return new MergeToFolderResult(outputFolder, files, plan.Tensors.Count, plan.OutputLayers, torchDType, executor.StreamStats(clock.Elapsed));
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>The dtype config.json announces: out_dtype, else dtype, else what the reference's float tensors keep.</summary>
    private static DType? OutputDType(Recipe recipe, MergePlan plan)
    {
        if (recipe.OutDType is { } o && RecipeDTypes.TryParse(o, out var d1)) return d1;
        if (recipe.DType is { } d && RecipeDTypes.TryParse(d, out var d2)) return d2;
        return plan.Tensors.Where(t => !t.CopyOnly).Select(t => (DType?)t.OutputDType).FirstOrDefault();
    }

    /// <summary>The order the writer asks for tensors in: by name (shards are filled in name order, and inside a shard
    /// the layout orders by dtype, then name).</summary>
    private static IReadOnlyList<string> WriterOrder(MergePlan plan) =>
        plan.Tensors.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => t.Name).ToArray();
}
