namespace Evolve.Proxy.Tasks;

/// <summary>
/// The proxy block of a task file or search space: which JSONL files hold the items (search and, optionally,
/// held-out), a seeded split when only one set is given, and the settings of each task (tasks not listed take
/// <see cref="Defaults"/>). Paths are resolved against the declaring file's folder.
/// </summary>
public sealed record ProxyDeclaration(
    IReadOnlyList<string> Files,
    IReadOnlyList<string> HeldOutFiles,
    ProxySplit? Split,
    TaskSettings Defaults,
    IReadOnlyDictionary<string, TaskSettings> Tasks)
{
    public static ProxyDeclaration ForFiles(IReadOnlyList<string> files, TaskSettings? defaults = null) =>
        new(files, [], null, defaults ?? TaskSettings.Default, new Dictionary<string, TaskSettings>());

    public TaskSettings SettingsOf(string task) => Tasks.TryGetValue(task, out var settings) ? settings : Defaults;

    /// <summary>The search items and the held-out items: explicit held-out files, else the seeded split, else none.</summary>
    internal (IReadOnlyList<ProxyItem> Search, IReadOnlyList<ProxyItem> HeldOut) ReadItems()
    {
        var items = Files.SelectMany(ProxySetReader.Read).ToArray();
        if (HeldOutFiles.Count > 0)
            return (items, HeldOutFiles.SelectMany(ProxySetReader.Read).ToArray());
        return Split is null ? (items, []) : Split.Apply(items);
    }
}
