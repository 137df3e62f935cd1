namespace Evolve.Tests.Search.Space;

/// <summary>Search-space YAML files over the bundled zoo, written into a temp folder for each test.</summary>
internal static class SpaceFiles
{
    public static string Zoo(string name) => Path.Combine(RepoPaths.Zoo, name);

    /// <summary>A valid space over two specialists; <paramref name="edit"/> changes its text before it is written.</summary>
    public static string TwoModels(Func<string, string>? edit = null, string? genes = null)
    {
        var text = $"""
            base: {Zoo("base")}
            models: [{Zoo("nines")}, {Zoo("enc")}]
            onnx: {Path.Combine(RepoPaths.Zoo, "onnx", "base.onnx")}
            seed: 3
            proxy:
              files: [{Path.Combine(RepoPaths.ProxySets, "zoo", "nines.jsonl")}]
              defaults: {"{metric: log_likelihood}"}
            methods: [task_arithmetic, ties]
            fixed:
              normalize: false
            genes:
            {genes ?? DefaultGenes}
            """;
        return Write(edit is null ? text : edit(text));
    }

    public const string DefaultGenes = """
          weight:
            bounds: [0, 1.5]
            layers_per_gene: 2
            filters: [self_attn]
          density:
            layers_per_gene: 4
        """;

    public static string Write(string text, string name = "space.yaml")
    {
        var path = Path.Combine(RepoPaths.NewTempDir("space"), name);
        File.WriteAllText(path, text);
        return path;
    }
}
