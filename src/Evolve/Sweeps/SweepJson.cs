using System.Text.Json;
using Evolve.Proxy.Statistics;
using Evolve.Proxy.Tasks;

namespace Evolve.Sweeps;

/// <summary>
/// <c>sweep.json</c>, schema <c>evolve.sweep/1</c>. Every interval is <c>{"estimate", "low", "high"}</c> (95%);
/// recipe paths are relative to the sweep folder.
/// <code>
/// {
///   "schema": "evolve.sweep/1",
///   "method": "slerp",                       // merge method of every point
///   "parameter": "t",                        // what x is: t, weight (a shared scale), density, weight:MODEL …
///   "base_model": "/…/base", "models": ["/…/a", "/…/b"],
///   "split": "search" | "heldout",           // the proxy items scored
///   "seed": 0, "resamples": 2000, "confidence": 0.95,
///   "points": [                              // sorted by x
///     { "x": 0.2, "recipe": "points/p01.yaml", "fitness": {interval}, "items": 400,
///       "tasks": [ { "task": "nines", "metric": "exact_match", "weight": 1, "n": 100, "score": {interval} } ] } ],
///   "fit": { "c0": …, "c1": …, "c2": …,      // fitness ≈ c0 + c1·x + c2·x², least squares over the point estimates
///            "r_squared": …, "concave": true, "vertex": 0.43 | null },
///   "curve": [ { "x": …, "y": … } ],         // the fit at 101 evenly spaced x over the grid's range, for charts
///   "peak": { "t_star": 0.43 | null,         // the vertex when the fit is concave and the vertex lies in the grid
///             "argmax": 0.43,                // maximizer of the fit over the grid's range (= t_star when there is one)
///             "low": 0.31, "high": 0.58,     // percentile bootstrap interval of argmax, resampling proxy items
///             "concave_share": 0.97 },       // share of resamples whose fit has an interior peak
///   "flags": ["not_concave" | "peak_outside_grid"],   // empty when t_star is set
///   "chosen": { "x": 0.43, "source": "peak" | "best_grid_point", "fitness": {interval}, "recipe": "sweep-best.yaml" }
/// }
/// </code>
/// </summary>
internal static class SweepJson
{
    public const string Schema = "evolve.sweep/1";
    public const int CurveSamples = 101;

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static string Write(SweepResult result)
    {
        var a = result.Analysis;
        var json = new
        {
            schema = Schema,
            method = result.Method,
            parameter = result.Parameter,
            base_model = result.BaseModel,
            models = result.Models,
            split = result.HeldOut ? "heldout" : "search",
            seed = result.Seed,
            resamples = a.PeakInterval.Count,
            confidence = 0.95,
            points = a.Points.Select(p => new
            {
                x = p.X,
                recipe = p.Recipe.Replace('\\', '/'),
                fitness = Interval(p.Fitness),
                items = p.Fitness.Count,
                tasks = p.Tasks.Select(t => new { task = t.Task, metric = t.Metric.Name(), weight = t.Weight, n = t.Items.Count, score = Interval(t.Score) }),
            }),
            fit = new { c0 = a.Fit.C0, c1 = a.Fit.C1, c2 = a.Fit.C2, r_squared = Finite(a.RSquared), concave = a.Fit.IsConcave, vertex = a.Fit.Vertex },
            curve = Enumerable.Range(0, CurveSamples).Select(i =>
            {
                var x = a.GridLow + i * (a.GridHigh - a.GridLow) / (CurveSamples - 1);
                return new { x, y = a.Fit.At(x) };
            }),
            peak = new { t_star = a.Peak, argmax = a.PeakInterval.Estimate, low = a.PeakInterval.Low, high = a.PeakInterval.High, concave_share = a.ConcaveShare },
            flags = a.Flags.Select(Name),
            chosen = new
            {
                x = a.Chosen,
                source = a.Peak is null ? "best_grid_point" : "peak",
                fitness = Interval(result.ChosenFitness),
                recipe = SweepResult.BestRecipeFile,
            },
        };
        return JsonSerializer.Serialize(json, Options) + "\n";
    }

    public static string Name(SweepFlag flag) => flag switch
    {
        SweepFlag.NotConcave => "not_concave",
        SweepFlag.PeakOutsideGrid => "peak_outside_grid",
        _ => throw new ArgumentOutOfRangeException(nameof(flag)),
    };

    private static object Interval(Interval i) => new { estimate = i.Estimate, low = i.Low, high = i.High };

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
