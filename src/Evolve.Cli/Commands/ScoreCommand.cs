using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Evolve.Cli.Output;
using Evolve.Onnx;
using Evolve.Proxy;
using Evolve.Search.Evaluation;
using Evolve.Search.Space;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Statistics;
using Evolve.Proxy.Tasks;

namespace Evolve.Cli.Commands;

/// <summary>
/// `evolve score MODEL_DIR… --onnx GRAPH (--tasks FILE | --proxy FILE…)` or `evolve score --space SPACE.yaml [MODEL_DIR…]`:
/// per-task scores, fitness and answer log-likelihood with 95% CIs.
/// </summary>
internal static class ScoreCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var models = new Argument<string[]>("models") { Description = "Hugging Face model folders (the base or fine-tunes of it) or mergekit recipes (.yaml), merged in memory (with --space: default the space's models)", Arity = ArgumentArity.ZeroOrMore };
        var space = new Option<string?>("--space") { Description = "Search space YAML: its graph, base, proxy block, seed and (by default) models" };
        var onnx = new Option<string?>("--onnx") { Description = "ONNX export of the base model (required without --space)" };
        var baseModel = new Option<string?>("--base") { Description = "The base model folder the graph was exported from (default: the first model, or a recipe's base model)" };
        var proxy = new Option<string[]>("--proxy") { Description = "Proxy set files (JSONL), scored with --metric and the other task options", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true };
        var tasks = new Option<string?>("--tasks") { Description = "Task file (YAML or JSON): proxy files, split and per-task metric, weight, template, stop, normalize" };
        var heldOut = new Option<bool>("--heldout") { Description = "Score the held-out items of the task file instead of the search items" };
        var metric = new Option<string>("--metric") { Description = "Metric of --proxy tasks: " + string.Join(", ", TaskMetrics.ByName.Keys), DefaultValueFactory = _ => "exact_match" };
        metric.AcceptOnlyFromAmong([.. TaskMetrics.ByName.Keys]);
        var template = new Option<string?>("--template") { Description = "Prompt template of --proxy tasks, e.g. \"Q: {prompt}\\nA:\"" };
        var stop = new Option<string[]>("--stop") { Description = "Stop strings of --proxy tasks", AllowMultipleArgumentsPerToken = true };
        var normalize = new Option<string[]>("--normalize") { Description = "Answer normalization of --proxy tasks: " + string.Join(", ", AnswerNormalizer.ByName.Keys), AllowMultipleArgumentsPerToken = true };
        normalize.AcceptOnlyFromAmong([.. AnswerNormalizer.ByName.Keys]);
        var batch = new Option<int>("--batch-size") { Description = "Queries per forward pass", DefaultValueFactory = _ => 16 };
        var maxNew = new Option<int?>("--max-new-tokens") { Description = "Generation limit (default: one past the task's longest answer)" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the bootstrap intervals", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print JSON with per-item scores instead of tables" };
        var session = new OrtOptions();

        var command = new Command("score", "Score models on proxy sets through the base's ONNX graph: exact match and answer log-likelihood with 95% CIs.");
        command.Arguments.Add(models);
        foreach (var option in new Option[] { space, onnx, baseModel, proxy, tasks, heldOut, metric, template, stop, normalize, batch, maxNew, seed, json })
            command.Options.Add(option);
        session.AddTo(command);
        command.SetAction(parse =>
        {
            var modelPaths = parse.GetValue(models) ?? [];
            var options = new ScoringOptions(parse.GetValue(batch), parse.GetValue(maxNew), parse.GetValue(seed));
            var request = parse.GetValue(space) is { } spacePath
                ? SpaceScoring.Request(NoSourceOptions(parse, spacePath, onnx, baseModel, tasks, proxy), modelPaths, options,
                    parse.GetResult(seed) is { Implicit: false } ? options.Seed : null, session.Strategy(parse), session.Settings(parse), parse.GetValue(heldOut))
                : new ModelScoringRequest(
                    modelPaths.Length > 0 ? modelPaths : throw new TaskSettingsException("argument models", "no model to score", "give model folders or recipes, or --space SPACE.yaml"),
                    parse.GetValue(baseModel) ?? modelPaths[0],
                    parse.GetValue(onnx) ?? throw new TaskSettingsException("option --onnx", "no ONNX graph", "give --onnx GRAPH or --space SPACE.yaml"),
                    Declaration(parse.GetValue(tasks), parse.GetValue(proxy), new TaskSettings
                    {
                        Metric = TaskMetrics.ByName[parse.GetValue(metric)!],
                        Template = parse.GetValue(template)?.Replace("\\n", "\n", StringComparison.Ordinal) ?? TaskSettings.PromptPlaceholder,
                        Stop = parse.GetValue(stop)?.Select(s => s.Replace("\\n", "\n", StringComparison.Ordinal)).ToArray() ?? [],
                        Normalize = (parse.GetValue(normalize) ?? []).Aggregate(AnswerNormalization.None, (all, n) => all | AnswerNormalizer.ByName[n]),
                    }),
                    options,
                    session.Strategy(parse),
                    session.Settings(parse),
                    parse.GetValue(heldOut));
            var results = ScoringProgressBar.Run(stderr, "scoring", progress => ModelScoring.Run(request, progress));
            if (parse.GetValue(json))
                stdout.WriteLine(JsonSerializer.Serialize(results.Select(ToJson), new JsonSerializerOptions { WriteIndented = true }));
            else
                PrintTables(stdout, results);
            return 0;
        });
        return command;
    }

    /// <summary>The space file, once no option names another graph, base or proxy source.</summary>
    private static string NoSourceOptions(ParseResult parse, string spacePath, params Option[] sources) =>
        sources.FirstOrDefault(o => parse.GetResult(o) is not null) is { } clash
            ? throw new TaskSettingsException($"option {clash.Name}", $"--space gives the graph, base and proxy sets, so {clash.Name} cannot be given with it", "drop one of the two")
            : spacePath;

    private static ProxyDeclaration Declaration(string? tasksFile, string[]? proxyFiles, TaskSettings settings)
    {
        if (tasksFile is not null)
            return proxyFiles is { Length: > 0 }
                ? throw new TaskSettingsException("option --proxy", "give either --tasks or --proxy, not both", "list the proxy files in the task file's \"files\"")
                : ProxyDeclarationReader.Load(tasksFile);
        return proxyFiles is { Length: > 0 }
            ? ProxyDeclaration.ForFiles(proxyFiles, settings)
            : throw new TaskSettingsException("option --tasks", "no proxy items: give --tasks FILE or --proxy FILE…");
    }

    private static void PrintTables(TextWriter stdout, IReadOnlyList<ModelScores> results)
    {
        foreach (var model in results)
        {
            stdout.WriteLine(model.Model);
            var rows = model.Tasks.Select(t => new[] { t.Task, t.Metric.Name(), t.Weight.ToString("G4", CultureInfo.InvariantCulture), t.Items.Count.ToString(CultureInfo.InvariantCulture), Format(t.Score), Format(t.LogLikelihood) }).ToList();
            rows.Add(["fitness", "weighted mean", "", model.Fitness.Count.ToString(CultureInfo.InvariantCulture), Format(model.Fitness), ""]);
            TextTable.Print(stdout, ["task", "metric", "weight", "n", "score [95% CI]", "answer log-likelihood [95% CI]"], rows);
            stdout.WriteLine();
        }
    }

    internal static string Format(Interval interval) =>
        string.Create(CultureInfo.InvariantCulture, $"{interval.Estimate:F4} [{interval.Low:F4}, {interval.High:F4}]");

    private static object ToJson(ModelScores model) => new
    {
        model = model.Model,
        fitness = Interval(model.Fitness),
        tasks = model.Tasks.Select(t => new
        {
            task = t.Task,
            n = t.Items.Count,
            metric = t.Metric.Name(),
            weight = t.Weight,
            score = Interval(t.Score),
            log_likelihood = Interval(t.LogLikelihood),
            items = t.Items.Select(i => new { id = i.Id, score = i.Score, log_likelihood = i.LogLikelihood, generated = i.Generated }),
        }),
    };

    private static object Interval(Interval i) => new { estimate = i.Estimate, low = i.Low, high = i.High };
}
