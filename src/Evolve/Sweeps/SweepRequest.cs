using Evolve.Onnx;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Tasks;

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
}
