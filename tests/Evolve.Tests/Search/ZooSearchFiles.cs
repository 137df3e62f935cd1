using System.Globalization;
using Evolve.Proxy.Tasks;
using Evolve.Search;
using Evolve.Search.Evaluation;

namespace Evolve.Tests.Search;

/// <summary>
/// A small slice of the zoo for search tests: the first <see cref="ItemsPerTask"/> items of each search and held-out
/// proxy file, and recipes written by hand from a few genes, so evaluator tests run in seconds.
/// </summary>
internal static class ZooSearchFiles
{
    public const int ItemsPerTask = 10;

    public static string Model(string name) => Path.Combine(RepoPaths.Zoo, name);

    public static ProxyDeclaration Proxy(int itemsPerTask = ItemsPerTask)
    {
        var folder = RepoPaths.NewTempDir("zoo-proxy");
        string[] Slice(string from, string to)
        {
            Directory.CreateDirectory(to);
            return Directory.GetFiles(from, "*.jsonl").Order(StringComparer.Ordinal).Select(f =>
            {
                var target = Path.Combine(to, Path.GetFileName(f));
                File.WriteAllLines(target, File.ReadLines(f).Take(itemsPerTask));
                return target;
            }).ToArray();
        }
        var search = Slice(Path.Combine(RepoPaths.ProxySets, "zoo"), Path.Combine(folder, "search"));
        var heldOut = Slice(Path.Combine(RepoPaths.ProxySets, "zoo", "heldout"), Path.Combine(folder, "heldout"));
        return ProxyDeclaration.ForFiles(search) with { HeldOutFiles = heldOut };
    }

    public static RecipeEvaluatorSettings Settings(ProxyDeclaration proxy, bool racing = true) => new()
    {
        BaseModel = Model("base"),
        Onnx = Path.Combine(RepoPaths.Zoo, "onnx", "base.onnx"),
        Proxy = proxy,
        Seed = 11,
        Scoring = new Evolve.Proxy.Scoring.ScoringOptions(BatchSize: 32),
        Racing = racing ? new Evolve.Proxy.Racing.RaceSettings(MinItems: 10, LookEvery: 5) : null,
        RetryDelay = TimeSpan.FromMilliseconds(1),
    };

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Task arithmetic of the three specialists over the base with the given weights (λ = 1).</summary>
    public static string TaskArithmetic(double nines, double enc, double spell) => $"""
        merge_method: task_arithmetic
        base_model: {Model("base")}
        dtype: float32
        models:
          - model: {Model("nines")}
            parameters: {"{"}weight: {F(nines)}{"}"}
          - model: {Model("enc")}
            parameters: {"{"}weight: {F(enc)}{"}"}
          - model: {Model("spell")}
            parameters: {"{"}weight: {F(spell)}{"}"}

        """;

    /// <summary>
    /// A linear merge with a weight beyond float32's range (3.4e38): in fp32 arithmetic it is +Inf, so every merged
    /// value is ±Inf (or NaN where the weight meets a zero): what a decoder bug writing an unbounded gene would give.
    /// </summary>
    public static string OverflowingLinear() => $"""
        merge_method: linear
        dtype: float32
        parameters: {"{"}normalize: false{"}"}
        models:
          - model: {Model("nines")}
            parameters: {"{"}weight: 1.0e+39{"}"}
          - model: {Model("enc")}
            parameters: {"{"}weight: 1.0{"}"}

        """;

    /// <summary>
    /// A linear merge whose MLP tensors overflow (nines' MLP weight 1e39) and whose other tensors are an ordinary
    /// blend with enc at <paramref name="encRest"/>: two such recipes share every MLP tensor's merge key.
    /// </summary>
    public static string OverflowingMlp(double encRest) => $"""
        merge_method: linear
        dtype: float32
        parameters: {"{"}normalize: false{"}"}
        models:
          - model: {Model("nines")}
            parameters:
              weight: [{"{"}filter: mlp, value: 1.0e+39{"}"}, {"{"}value: 0.5{"}"}]
          - model: {Model("enc")}
            parameters:
              weight: [{"{"}filter: mlp, value: 1.0{"}"}, {"{"}value: {F(encRest)}{"}"}]

        """;

    /// <summary>Genes (nines, enc, spell) → <see cref="TaskArithmetic"/>; genes all zero → <see cref="OverflowingLinear"/>.</summary>
    public sealed class Decoder : IGenomeDecoder
    {
        public string RecipeText(double[] genome) =>
            genome.All(g => g == 0) ? OverflowingLinear() : TaskArithmetic(genome[0], genome[1], genome[2]);
    }
}
