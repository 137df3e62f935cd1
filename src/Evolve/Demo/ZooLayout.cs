namespace Evolve.Demo;

/// <summary>
/// Where the bundled zoo lives in a checkout: the HF folders under <c>zoo/</c> (the base in <c>zoo/base</c>), the
/// base's ONNX export in <c>zoo/onnx/base.onnx</c>, and the proxy sets under <c>proxy-sets/zoo/</c> (search split)
/// and <c>proxy-sets/zoo/heldout/</c>.
/// </summary>
internal sealed record ZooLayout(string Root)
{
    public string ZooFolder => Path.Combine(Root, "zoo");

    public string BaseModel => Path.Combine(ZooFolder, "base");

    public string Onnx => Path.Combine(ZooFolder, "onnx", "base.onnx");

    /// <summary>The search space that ships with the zoo, <c>search-spaces/zoo.yaml</c>.</summary>
    public string SearchSpace => Path.Combine(Root, "search-spaces", "zoo.yaml");

    /// <summary>The base first, then every other model folder in name order.</summary>
    public IReadOnlyList<string> Models =>
        Directory.GetDirectories(ZooFolder)
            .Where(d => File.Exists(Path.Combine(d, "config.json")))
            .OrderBy(d => d == BaseModel ? 0 : 1).ThenBy(d => d, StringComparer.Ordinal)
            .ToArray();

    public IReadOnlyList<string> SearchProxySets => ProxyFiles(Path.Combine(Root, "proxy-sets", "zoo"));

    public IReadOnlyList<string> HeldOutProxySets => ProxyFiles(Path.Combine(Root, "proxy-sets", "zoo", "heldout"));

    /// <summary>The checkout holding <c>zoo/</c>: the given folder, else the first ancestor of the program that has one.</summary>
    public static ZooLayout Locate(string? root)
    {
        if (root is not null)
            return Directory.Exists(Path.Combine(root, "zoo")) ? new ZooLayout(Path.GetFullPath(root))
                : throw new ZooNotFoundException(root);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "zoo", "base")))
                return new ZooLayout(dir.FullName);
        throw new ZooNotFoundException(Directory.GetCurrentDirectory());
    }

    private static string[] ProxyFiles(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*.jsonl").Order(StringComparer.Ordinal).ToArray() : [];
}
