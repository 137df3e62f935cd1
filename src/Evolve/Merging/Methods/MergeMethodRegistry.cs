namespace Evolve.Merging.Methods;

/// <summary>Every merge method by its mergekit name (the 20 of mergekit 0.1.4).</summary>
internal static class MergeMethodRegistry
{
    private static readonly IMergeMethod[] Methods =
    [
        new LinearMethod(),
        new SlerpMethod(),
        new NuSlerpMethod(),
        new MultiSlerpMethod(),
        new KarcherMethod(),
        new TaskArithmeticMethod(),
        new TiesMethod(),
        new DareTiesMethod(),
        new DareLinearMethod(),
        new BreadcrumbsMethod(),
        new BreadcrumbsTiesMethod(),
        new DellaMethod(),
        new DellaLinearMethod(),
        new ModelStockMethod(),
        new SceMethod(),
        new NearSwapMethod(),
        new ArceeFusionMethod(),
        new RamMethod(),
        new RamPlusTlMethod(),
        new PassthroughMethod(),
    ];

    private static readonly Dictionary<string, IMergeMethod> ByName =
        Methods.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public static IReadOnlyList<IMergeMethod> All => Methods;

    public static bool TryGet(string name, out IMergeMethod method) => ByName.TryGetValue(name, out method!);

    public static IMergeMethod Get(string name) =>
        TryGet(name, out var m) ? m : throw new KeyNotFoundException($"unknown merge method {name}");

    public static string KnownNames => string.Join(", ", Methods.Select(m => m.Name));
}
