using System.Security.Cryptography;
using System.Text.Json;
using Evolve.Checkpoints;
using Evolve.Onnx;
using Evolve.Search.Space;

namespace Evolve.Search.Store;

/// <summary>
/// The fingerprints of every file a run reads — each model folder's weights, index, config and tokenizer files, the
/// ONNX graph with its external data, the search and held-out proxy sets — kept in <c>runs/&lt;id&gt;/inputs.json</c>
/// so an export can prove it merges and reports on the very inputs the run scored.
/// </summary>
internal static class RunInputs
{
    public const string FileName = "inputs.json";

    public const string ModelRole = "model";
    public const string OnnxRole = "onnx";
    public const string ProxyRole = "proxy";
    public const string HeldOutRole = "heldout";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Fingerprints everything a search over <paramref name="space"/> reads: base and models, graph, proxy sets.</summary>
    public static IReadOnlyList<RunInput> Of(SearchSpace space) =>
        Collect([space.BaseModel, .. space.Models.Select(m => m.Path)], space.Onnx, space.Proxy.Files, space.Proxy.HeldOutFiles);

    /// <summary>Fingerprints the inputs of a run, in a fixed order: models as given, the graph, search sets, held-out sets.</summary>
    public static IReadOnlyList<RunInput> Collect(IEnumerable<string> modelFolders, string? onnxGraph, IEnumerable<string> proxySets, IEnumerable<string> heldOutSets)
    {
        var inputs = new List<RunInput>();
        foreach (var folder in modelFolders)
        {
            var full = Path.GetFullPath(folder);
            inputs.AddRange(ModelFiles(full).Select(f => Fingerprint(ModelRole, full, f)));
        }
        if (onnxGraph is not null)
        {
            var graph = Path.GetFullPath(onnxGraph);
            inputs.AddRange(GraphFiles(graph).Select(f => Fingerprint(OnnxRole, graph, f)));
        }
        inputs.AddRange(proxySets.Select(f => Fingerprint(ProxyRole, Path.GetFullPath(f), Path.GetFullPath(f))));
        inputs.AddRange(heldOutSets.Select(f => Fingerprint(HeldOutRole, Path.GetFullPath(f), Path.GetFullPath(f))));
        return inputs;
    }

    /// <summary>The files of a model folder that decide a merge: safetensors (shards), JSON (index, config, adapter config) and tokenizer files.</summary>
    public static IReadOnlyList<string> ModelFiles(string folder) =>
        Directory.GetFiles(folder)
            .Where(f => f.EndsWith(".safetensors", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)
                        || HfModelFolder.TokenizerFileNames.Contains(Path.GetFileName(f)))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>The graph file and every external-data file its initializers point at.</summary>
    public static IReadOnlyList<string> GraphFiles(string graph)
    {
        var external = OnnxModel.Load(graph).Initializers
            .Select(i => i.External?.ResolvedPath).OfType<string>()
            .Select(Path.GetFullPath).Distinct().Order(StringComparer.Ordinal);
        return [graph, .. external];
    }

    public static RunInput Fingerprint(string role, string owner, string file)
    {
        using var stream = File.OpenRead(file);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        return new RunInput(role, owner, file, hash, stream.Length);
    }

    public static void Write(string runFolder, IReadOnlyList<RunInput> inputs) =>
        File.WriteAllText(Path.Combine(runFolder, FileName), JsonSerializer.Serialize(inputs, Json) + "\n");

    /// <summary>The inputs recorded in a run folder, or null when the run recorded none.</summary>
    public static IReadOnlyList<RunInput>? Read(string runFolder)
    {
        var path = Path.Combine(runFolder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<RunInput[]>(File.ReadAllText(path), Json)
                   ?? throw new RunStoreException(path, "the input list is empty JSON (null)", "delete it and re-run the search");
        }
        catch (JsonException e)
        {
            throw new RunStoreException($"{path}:{(e.LineNumber ?? 0) + 1}", $"not a run input list ({e.Message})", "delete it and re-run the search", e);
        }
    }
}
