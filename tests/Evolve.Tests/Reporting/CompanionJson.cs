namespace Evolve.Tests.Reporting;

/// <summary>A sweep.json and a soup.json in the shapes `evolve sweep` and `evolve soup` document (evolve.sweep/1, evolve.soup/1).</summary>
internal static class CompanionJson
{
    public static string Interval(double e, double l, double h) => $"{{\"estimate\": {e}, \"low\": {l}, \"high\": {h}}}";

    /// <summary>Six grid points t = 0 … 1 of a slerp sweep; the fit peaks at t* = 0.43 [0.31, 0.58]; the curve sampled at 5 x.</summary>
    public const string Sweep = """
        {
          "schema": "evolve.sweep/1", "method": "slerp", "parameter": "t", "base_model": "/m/base", "models": ["/m/a", "/m/b"],
          "split": "search", "seed": 0, "resamples": 2000, "confidence": 0.95,
          "points": [
            {"x": 0, "recipe": "points/p00.yaml", "fitness": {"estimate": 0.30, "low": 0.22, "high": 0.38}, "items": 400, "tasks": []},
            {"x": 0.2, "recipe": "points/p01.yaml", "fitness": {"estimate": 0.41, "low": 0.33, "high": 0.49}, "items": 400, "tasks": []},
            {"x": 0.4, "recipe": "points/p02.yaml", "fitness": {"estimate": 0.47, "low": 0.39, "high": 0.55}, "items": 400, "tasks": []},
            {"x": 0.6, "recipe": "points/p03.yaml", "fitness": {"estimate": 0.45, "low": 0.37, "high": 0.53}, "items": 400, "tasks": []},
            {"x": 0.8, "recipe": "points/p04.yaml", "fitness": {"estimate": 0.38, "low": 0.30, "high": 0.46}, "items": 400, "tasks": []},
            {"x": 1, "recipe": "points/p05.yaml", "fitness": {"estimate": 0.28, "low": 0.20, "high": 0.36}, "items": 400, "tasks": []}
          ],
          "fit": {"c0": 0.30, "c1": 0.80, "c2": -0.93, "r_squared": 0.98, "concave": true, "vertex": 0.43},
          "curve": [{"x": 0, "y": 0.30}, {"x": 0.25, "y": 0.44}, {"x": 0.5, "y": 0.47}, {"x": 0.75, "y": 0.38}, {"x": 1, "y": 0.17}],
          "peak": {"t_star": 0.43, "argmax": 0.43, "low": 0.31, "high": 0.58, "concave_share": 0.97},
          "flags": [],
          "chosen": {"x": 0.43, "source": "peak", "fitness": {"estimate": 0.47, "low": 0.39, "high": 0.55}, "recipe": "sweep-best.yaml"}
        }
        """;

    /// <summary>Three ingredients tried best first: enc kept, nines kept, spell rejected; uniform soup 0.41.</summary>
    public const string Soup = """
        {
          "schema": "evolve.soup/1", "source": "checkpoints", "run": null, "split": "heldout", "seed": 0,
          "ingredients": [],
          "order": ["enc", "nines", "spell"],
          "steps": [
            {"step": 0, "ingredient": "enc", "soup": ["enc"], "fitness": {"estimate": 0.40, "low": 0.31, "high": 0.49}, "added": true},
            {"step": 1, "ingredient": "nines", "soup": ["enc", "nines"], "fitness": {"estimate": 0.46, "low": 0.37, "high": 0.55}, "added": true},
            {"step": 2, "ingredient": "spell", "soup": ["enc", "nines", "spell"], "fitness": {"estimate": 0.41, "low": 0.32, "high": 0.50}, "added": false}
          ],
          "soup": {"members": ["enc", "nines"], "fitness": {"estimate": 0.46, "low": 0.37, "high": 0.55}, "tasks": [], "recipe": "soup.yaml"},
          "uniform": {"members": ["enc", "nines", "spell"], "fitness": {"estimate": 0.41, "low": 0.32, "high": 0.50}, "tasks": [], "recipe": "uniform-soup.yaml"},
          "merge_first": []
        }
        """;
}
