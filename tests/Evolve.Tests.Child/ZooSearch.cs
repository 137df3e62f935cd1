using System.Globalization;
using Evolve.Search;

namespace Evolve.Tests.Child;

/// <summary>
/// A real search on the zoo kept small for tests: task arithmetic or TIES over the three specialists, a weight gene
/// per model and filter group, on the first few items of each zoo proxy file (exact match, so racing bites). The
/// same space and request are built in the child process and in the tests.
/// </summary>
internal static class ZooSearch
{
    public const int ItemsPerTask = 8;

    /// <summary>Writes the space and its proxy slices into <paramref name="folder"/>; returns the space file.</summary>
    public static string WriteSpace(string folder, string zoo, string proxySets)
    {
        Directory.CreateDirectory(folder);
        string Slice(string from, string name)
        {
            var target = Path.Combine(folder, name);
            File.WriteAllLines(target, File.ReadLines(from).Take(ItemsPerTask));
            return target;
        }
        var tasks = new[] { "enc", "nines", "spell", "upper" };
        var search = tasks.Select(t => Slice(Path.Combine(proxySets, "zoo", $"{t}.jsonl"), $"{t}.jsonl")).ToArray();
        var heldOut = tasks.Select(t => Slice(Path.Combine(proxySets, "zoo", "heldout", $"{t}.jsonl"), $"{t}-heldout.jsonl")).ToArray();
        string Model(string name) => Path.Combine(zoo, name);
        string List(IEnumerable<string> paths) => "[" + string.Join(", ", paths) + "]";
        var path = Path.Combine(folder, "space.yaml");
        File.WriteAllText(path, $"""
            base: {Model("base")}
            models: {List([Model("nines"), Model("enc"), Model("spell")])}
            onnx: {Path.Combine(zoo, "onnx", "base.onnx")}
            seed: 5
            dtype: float32
            proxy:
              files: {List(search)}
              heldout_files: {List(heldOut)}
              defaults: {"{"}metric: exact_match{"}"}
            methods: [task_arithmetic, ties]
            fixed:
              normalize: false
            genes:
              weight:
                filters: [mlp]
              density:
                bounds: [0.2, 1.0]

            """);
        return path;
    }

    public static SearchRunRequest Request(string space, string runs, string runId, long budget) => new()
    {
        Space = space,
        RunsFolder = runs,
        RunId = runId,
        Budget = budget,
        Optimizer = "ga",
        InFlight = 1,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        Session = Evolve.Onnx.OrtSessionSettings.Default with { IntraOpThreads = 1 },
    };

    /// <summary>Runs the search, printing "told N" after each committed candidate (the kill test's cue).</summary>
    public static int Run(string space, string runs, string runId, long budget)
    {
        var events = new SearchRunEvents
        {
            Committed = (record, _) =>
            {
                Console.Out.WriteLine($"told {record.Sequence.ToString(CultureInfo.InvariantCulture)}");
                Console.Out.Flush();
            },
        };
        var result = SearchRun.RunAsync(Request(space, runs, runId, budget), events).GetAwaiter().GetResult();
        Console.Out.WriteLine(result.Outcome.StopReason);
        return 0;
    }
}
