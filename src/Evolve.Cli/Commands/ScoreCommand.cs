using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Evolve.Cli.Output;
using Evolve.Onnx;
using Evolve.Proxy;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Statistics;

namespace Evolve.Cli.Commands;

/// <summary>`evolve score MODEL_DIR… --onnx GRAPH --proxy FILE…`: per-task exact match and answer log-likelihood with 95% CIs.</summary>
internal static class ScoreCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var models = new Argument<string[]>("models") { Description = "Hugging Face model folders: the base or fine-tunes of it", Arity = ArgumentArity.OneOrMore };
        var onnx = new Option<string>("--onnx") { Description = "ONNX export of the base model", Required = true };
        var baseModel = new Option<string?>("--base") { Description = "The base model folder the graph was exported from (default: the first model)" };
        var proxy = new Option<string[]>("--proxy") { Description = "Proxy set files (JSONL)", Required = true, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true };
        var batch = new Option<int>("--batch-size") { Description = "Queries per forward pass", DefaultValueFactory = _ => 16 };
        var maxNew = new Option<int?>("--max-new-tokens") { Description = "Generation limit (default: one past the task's longest answer)" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the bootstrap intervals", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print JSON with per-item scores instead of tables" };
        var session = new OrtOptions();

        var command = new Command("score", "Score models on proxy sets through the base's ONNX graph: exact match and answer log-likelihood with 95% CIs.");
        command.Arguments.Add(models);
        foreach (var option in new Option[] { onnx, baseModel, proxy, batch, maxNew, seed, json })
            command.Options.Add(option);
        session.AddTo(command);
        command.SetAction(parse =>
        {
            var modelPaths = parse.GetValue(models)!;
            var request = new ModelScoringRequest(
                modelPaths,
                parse.GetValue(baseModel) ?? modelPaths[0],
                parse.GetValue(onnx)!,
                parse.GetValue(proxy)!,
                new ScoringOptions(parse.GetValue(batch), parse.GetValue(maxNew), parse.GetValue(seed)),
                session.Strategy(parse),
                session.Settings(parse));
            var results = ModelScoring.Run(request, new Progress<string>(stderr.WriteLine));
            if (parse.GetValue(json))
                stdout.WriteLine(JsonSerializer.Serialize(results.Select(ToJson), new JsonSerializerOptions { WriteIndented = true }));
            else
                PrintTables(stdout, results);
            return 0;
        });
        return command;
    }

    private static void PrintTables(TextWriter stdout, IReadOnlyList<ModelScores> results)
    {
        foreach (var model in results)
        {
            stdout.WriteLine(model.Model);
            var rows = model.Tasks.Select(t => new[] { t.Task, t.Items.Count.ToString(CultureInfo.InvariantCulture), Format(t.ExactMatch), Format(t.LogLikelihood) }).ToList();
            TextTable.Print(stdout, ["task", "n", "exact match [95% CI]", "answer log-likelihood [95% CI]"], rows);
            stdout.WriteLine();
        }
    }

    internal static string Format(Interval interval) =>
        string.Create(CultureInfo.InvariantCulture, $"{interval.Estimate:F4} [{interval.Low:F4}, {interval.High:F4}]");

    private static object ToJson(ModelScores model) => new
    {
        model = model.Model,
        tasks = model.Tasks.Select(t => new
        {
            task = t.Task,
            n = t.Items.Count,
            exact_match = Interval(t.ExactMatch),
            log_likelihood = Interval(t.LogLikelihood),
            items = t.Items.Select(i => new { id = i.Id, exact = i.Exact, log_likelihood = i.LogLikelihood, generated = i.Generated }),
        }),
    };

    private static object Interval(Interval i) => new { estimate = i.Estimate, low = i.Low, high = i.High };
}
