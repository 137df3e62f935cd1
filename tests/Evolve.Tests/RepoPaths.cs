namespace Evolve.Tests;

/// <summary>Locations every test shares: the repository root and the ../shared folder beside it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The project's shared folder (reference notes, third-party assets), beside the checkout.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Assets => Path.Combine(Shared, "assets");

    public static string Zoo => Path.Combine(Root, "zoo");

    public static string ProxySets => Path.Combine(Root, "proxy-sets");

    /// <summary>Test fixtures committed under tests/Evolve.Tests/Fixtures.</summary>
    public static string Fixtures => Path.Combine(Root, "tests", "Evolve.Tests", "Fixtures");

    /// <summary>A fresh empty temporary folder, removed by the OS temp cleaner, not by the test.</summary>
    public static string NewTempDir(string purpose)
    {
        var dir = Path.Combine(Path.GetTempPath(), "evolve-tests", $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Evolve.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Evolve.sln not found above " + AppContext.BaseDirectory);
    }
}
