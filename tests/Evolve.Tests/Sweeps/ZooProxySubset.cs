using Evolve.Demo;
using Evolve.Proxy.Tasks;

namespace Evolve.Tests.Sweeps;

/// <summary>The first items of every zoo proxy file (search and held-out), copied into a temporary folder: end-to-end tests on few items.</summary>
internal static class ZooProxySubset
{
    public static ProxyDeclaration Create(string folder, int itemsPerTask)
    {
        var zoo = new ZooLayout(RepoPaths.Root);
        string[] Copy(IReadOnlyList<string> files, string split) => files.Select(f =>
        {
            var path = Path.Combine(folder, split, Path.GetFileName(f));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllLines(path, File.ReadLines(f).Take(itemsPerTask));
            return path;
        }).ToArray();
        return ProxyDeclaration.ForFiles(Copy(zoo.SearchProxySets, "search")) with { HeldOutFiles = Copy(zoo.HeldOutProxySets, "heldout") };
    }
}
