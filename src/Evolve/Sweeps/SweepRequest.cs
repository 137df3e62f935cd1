using Evolve.Onnx;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Tasks;
using Evolve.Search.Space;

namespace Evolve.Sweeps;

/// <summary>
/// A ratio sweep: the models (fine-tunes of <paramref name="BaseModel"/>, or two models to interpolate), the base's
/// graph and proxy block, what to vary (<see cref="SweepDesign"/>) over which grid, and where to write.
/// </summary>
/// <param name="Seed">Seed of DARE masks, the points' bootstrap intervals and the peak's bootstrap.</param>
/// <param name="DType">mergekit dtype written into every recipe (null: none).</param>
/// <param name="HeldOut">Score the held-out split instead of the search split.</param>
internal sealed record SweepRequest(
    string BaseModel,
    IReadOnlyList<string> Models,
    string Onnx,
    ProxyDeclaration Proxy,
    ulong Seed,
    string? DType,
    IReadOnlyList<double> Grid,
    string OutputFolder,
    string? Method = null,
    string? Parameter = null,
    int BatchSize = 16,
    ScoringStrategy Strategy = ScoringStrategy.WeightsAsInputs,
    OrtSessionSettings? Session = null,
    bool HeldOut = false,
    int Resamples = 2000)
{
    public ScoringOptions ScoringOptions => new(BatchSize, null, Seed);

    /// <summary>
    /// A sweep over a search space's models (or those of <paramref name="models"/>, named by folder name or path;
    /// "base" names the base) with its base, graph, proxy block, seed and dtype.
    /// </summary>
    public static SweepRequest FromSpace(SearchSpace space, IReadOnlyList<string>? models, IReadOnlyList<double> grid, string outputFolder) =>
        new(space.BaseModel, models is { Count: > 0 } ? models.Select(m => Select(space, m)).ToArray() : space.Models.Select(m => m.Path).ToArray(),
            space.Onnx, space.Proxy, space.Seed, space.DType, grid, outputFolder);

    private static string Select(SearchSpace space, string name)
    {
        if (name == "base" || Path.GetFullPath(name) == Path.GetFullPath(space.BaseModel))
            return space.BaseModel;
        return space.Models.FirstOrDefault(m => m.Name == name || Path.GetFullPath(name) == Path.GetFullPath(m.Path))?.Path
            ?? throw new SweepException("option --models", $"'{name}' is not a model of {space.File}",
                $"name one of: base, {string.Join(", ", space.Models.Select(m => m.Name))}");
    }
}
