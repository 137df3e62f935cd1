using Evolve.Proxy.Statistics;

namespace Evolve.Sweeps;

/// <summary>
/// A finished sweep: the design, the fitted analysis, the chosen recipe (at t*, scored too, or the best grid point)
/// and the files written.
/// </summary>
internal sealed record SweepResult(
    string Method,
    string Parameter,
    string BaseModel,
    IReadOnlyList<string> Models,
    bool HeldOut,
    ulong Seed,
    SweepAnalysis Analysis,
    Interval ChosenFitness,
    string OutputFolder)
{
    public const string JsonFile = "sweep.json";
    public const string BestRecipeFile = "sweep-best.yaml";

    public string JsonPath => Path.Combine(OutputFolder, JsonFile);

    public string BestRecipePath => Path.Combine(OutputFolder, BestRecipeFile);
}
