namespace Evolve.Merging.Recipes;

/// <summary>
/// Where a recipe came from: its file and the YAML line of each key path ("models[1].parameters.weight"), for
/// located errors. Provenance, not content: two recipes are equal whatever their source maps.
/// </summary>
internal sealed class SourceMap : IEquatable<SourceMap>
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    public SourceMap(string? file) => File = file;

    public static SourceMap None { get; } = new(null);

    public string? File { get; }

    internal void Record(string path, int line) => _lines.TryAdd(path, line);

    /// <summary>"file:line" for the path, or its nearest recorded parent; "recipe" when nothing is known.</summary>
    public string Locate(string path)
    {
        for (var p = path; ; p = Parent(p))
        {
            if (_lines.TryGetValue(p, out var line))
                return $"{File ?? "recipe"}:{line}";
            if (p.Length == 0) return File ?? "recipe";
        }
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }

    public bool Equals(SourceMap? other) => other is not null;
    public override bool Equals(object? obj) => obj is SourceMap;
    public override int GetHashCode() => 0;
}
