using System.CommandLine;
using System.Globalization;
using Evolve.Cli.Output;
using Evolve.Search.Space;
using Evolve.Sweeps;

namespace Evolve.Cli.Commands;

/// <summary>
/// `evolve sweep SPACE.yaml [--param t] [--grid 0:1:0.2] [--method M] [--models A B] [--out DIR] [--json]`: the proxy-task
/// ratio sweep: a recipe per grid value scored in memory, a quadratic fit, its peak t* with a bootstrap CI, a plot.
/// </summary>
internal static class SweepCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var space = new Argument<string>("space") { Description = "Search space YAML: base, models, ONNX graph, proxy block, seed, dtype" };
        var param = new Option<string?>("--param") { Description = "What to vary: t (slerp/linear between two models), a parameter of the method (weight = a shared scale on every model, density, lambda …), or NAME:MODEL for one model's (default: t for slerp and linear, else weight)" };
        var grid = new Option<string>("--grid") { Description = "Values: start:stop:step (stop included) or a comma list", DefaultValueFactory = _ => SweepGrid.DefaultText };
        var method = new Option<string?>("--method") { Description = "Merge method (default: slerp for two models, task_arithmetic for more)" };
        var models = new Option<string[]>("--models") { Description = "Models to merge, by folder name or path (\"base\" names the base); default: the space's models", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string?>("--out") { Description = "Output folder (default: runs/sweep-<UTC time>)" };
        var heldOut = new Option<bool>("--heldout") { Description = "Score the held-out split instead of the search split" };
        var resamples = new Option<int>("--resamples") { Description = "Bootstrap resamples of the peak", DefaultValueFactory = _ => 2000 };
        var batch = new Option<int>("--batch-size") { Description = "Queries per forward pass", DefaultValueFactory = _ => 16 };
        var json = new Option<bool>("--json") { Description = "Print sweep.json instead of the table and plot" };
        var session = new OrtOptions();

        var command = new Command("sweep", "Proxy-task ratio sweep: score a recipe per grid value, fit a quadratic, report its peak t* with a bootstrap CI.");
        command.Arguments.Add(space);
        foreach (var option in new Option[] { param, grid, method, models, output, heldOut, resamples, batch, json })
            command.Options.Add(option);
        session.AddTo(command);
        command.SetAction(parse =>
        {
            var request = SweepRequest.FromSpace(SearchSpace.Load(parse.GetValue(space)!), parse.GetValue(models), SweepGrid.Parse(parse.GetValue(grid)!),
                parse.GetValue(output) ?? Path.Combine("runs", "sweep-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture))) with
            {
                Method = parse.GetValue(method),
                Parameter = parse.GetValue(param),
                HeldOut = parse.GetValue(heldOut),
                Resamples = parse.GetValue(resamples),
                BatchSize = parse.GetValue(batch),
                Strategy = session.Strategy(parse),
                Session = session.Settings(parse),
            };
            var result = ScoringProgressBar.Run(stderr, "sweep", progress => Sweep.Run(request, progress));
            return JsonOrTable.Print(stdout, parse.GetValue(json), result, result.JsonPath, Print);
        });
        return command;
    }

    /// <summary>The points, the fit, t* or why there is none, the plot and the files (also `evolve demo`'s sweep section).</summary>
    internal static void Print(TextWriter stdout, SweepResult result)
    {
        var a = result.Analysis;
        stdout.WriteLine($"{result.Method} sweep over {result.Parameter} on the {(result.HeldOut ? "held-out" : "search")} split ({a.Points[0].Fitness.Count} items):");
        TextTable.Print(stdout, [result.Parameter, "fitness [95% CI]", "fit", "recipe"],
            a.Points.Select(p => new[] { Number(p.X), ScoreCommand.Format(p.Fitness), a.Fit.At(p.X).ToString("F4", CultureInfo.InvariantCulture), p.Recipe }).ToList());
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fit: {a.Fit.C0:G6} {Signed(a.Fit.C1)}·x {Signed(a.Fit.C2)}·x²  (R² {a.RSquared:F3}, {(a.Fit.IsConcave ? "concave" : "not concave")})"));
        if (a.Peak is { } peak)
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"t* = {peak:F4}  95% CI [{a.PeakInterval.Low:F4}, {a.PeakInterval.High:F4}] over {a.PeakInterval.Count} item resamples ({a.ConcaveShare:P0} with an interior peak); fitness there {ScoreCommand.Format(result.ChosenFitness)}"));
        else
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"no t*: {string.Join("; ", a.Flags.Select(SweepPlot.Describe))}{(a.Fit.Vertex is { } v && a.Fit.IsConcave ? $" (vertex {v:F4})" : "")}. Not extrapolating: the best grid point {Number(a.Chosen)} is chosen, fitness {ScoreCommand.Format(result.ChosenFitness)}"));
        stdout.WriteLine();
        foreach (var line in SweepPlot.Render(a, result.Parameter))
            stdout.WriteLine(line);
        stdout.WriteLine();
        stdout.WriteLine($"wrote {result.JsonPath}");
        stdout.WriteLine($"chosen recipe {result.BestRecipePath} (start a search from it: evolve search SPACE.yaml --seed-recipe {result.BestRecipePath}, or list it under seeds: in the space)");
    }

    private static string Number(double x) => x.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Signed(double c) => (c < 0 ? "- " : "+ ") + Math.Abs(c).ToString("G6", CultureInfo.InvariantCulture);
}
