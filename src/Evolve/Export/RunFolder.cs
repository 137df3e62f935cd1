using Evolve.Search.Store;

namespace Evolve.Export;

/// <summary>
/// A run's folder as <c>evolve search</c> leaves it (<c>runs/&lt;id&gt;/</c>): <c>run.db</c>, the fingerprints of
/// its inputs (<c>inputs.json</c>), and what later commands add beside them (<c>sweep.json</c>, <c>soup.json</c>).
/// </summary>
internal sealed record RunFolder(string Path)
{
    public const string DatabaseName = "run.db";

    public string Database => System.IO.Path.Combine(Path, DatabaseName);

    public string SweepFile => System.IO.Path.Combine(Path, "sweep.json");

    public string SoupFile => System.IO.Path.Combine(Path, "soup.json");

    /// <summary>The run's name: its folder's.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>A run folder, or the run.db inside one; refuses a path that holds no run.</summary>
    public static RunFolder Locate(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full) && System.IO.Path.GetFileName(full) == DatabaseName)
            full = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(full))
            throw new RunStoreException(path, "no such run folder", "give runs/<id> of an earlier `evolve search`");
        var folder = new RunFolder(full.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        if (!File.Exists(folder.Database))
            throw new RunStoreException(path, $"no {DatabaseName} in this folder", "give runs/<id> of an earlier `evolve search`");
        return folder;
    }
}
