using Evolve.Onnx;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Tasks;
using Evolve.Search.Space;

namespace Evolve.Soups;

/// <summary>
/// A greedy soup: over <paramref name="Models"/> (checkpoints of one base), or, with <paramref name="RunFolder"/>,
/// over the <paramref name="Top"/> best recipes of a search run. Ingredients and soups are scored on the proxy
/// block's held-out split through the base's graph.
/// </summary>
/// <param name="RecipeFolder">Where relative model paths of a run's recipes resolve (the search space's folder).</param>
/// <param name="Seed">Seed of DARE masks in the run's recipes and of the bootstrap intervals.</param>
/// <param name="DType">mergekit dtype written into the soup recipes (null: none).</param>
internal sealed record SoupRequest(
    string BaseModel,
    IReadOnlyList<string> Models,
    string Onnx,
    ProxyDeclaration Proxy,
    ulong Seed,
    string? DType,
    string OutputFolder,
    string? RunFolder = null,
    int Top = 5,
    string? RecipeFolder = null,
    int BatchSize = 16,
    ScoringStrategy Strategy = ScoringStrategy.WeightsAsInputs,
    OrtSessionSettings? Session = null)
{
    public ScoringOptions ScoringOptions => new(BatchSize, null, Seed);

    /// <summary>A soup of a search space's models, or of a run's top recipes, with its base, graph, proxy block, seed and dtype.</summary>
    public static SoupRequest FromSpace(SearchSpace space, string outputFolder, string? runFolder = null, int top = 5) =>
        new(space.BaseModel, space.Models.Select(m => m.Path).ToArray(), space.Onnx, space.Proxy, space.Seed, space.DType, outputFolder,
            runFolder, top, Path.GetDirectoryName(space.File));
}
