using System.CommandLine;
using System.Globalization;
using Evolve.Cli.Output;
using Evolve.Demo;
using Evolve.Onnx;
using Evolve.Proxy;
using Evolve.Search.Evaluation;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Tasks;

namespace Evolve.Cli.Commands;

/// <summary>`evolve demo`: every zoo model on every zoo task (held-out split), as an accuracy table.</summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var root = new Option<string?>("--root") { Description = "The checkout that holds zoo/ and proxy-sets/ (default: found from the program's location)" };
        var split = new Option<string>("--split") { Description = "Which proxy split to score: heldout or search", DefaultValueFactory = _ => "heldout" };
        split.AcceptOnlyFromAmong("heldout", "search");
        var session = new OrtOptions();
        var command = new Command("demo", "Run the main job on the bundled zoo of tiny real models.");
        command.Options.Add(root);
        command.Options.Add(split);
        session.AddTo(command);
        command.SetAction(parse =>
        {
            var zoo = ZooLayout.Locate(parse.GetValue(root));
            var proxies = parse.GetValue(split) == "search" ? zoo.SearchProxySets : zoo.HeldOutProxySets;
            var request = new ModelScoringRequest(zoo.Models, zoo.BaseModel, zoo.Onnx, ProxyDeclaration.ForFiles(proxies), new ScoringOptions(),
                session.Strategy(parse), session.Settings(parse));
            var results = ModelScoring.Run(request, new Progress<ScoringProgress>(p => stderr.WriteLine(p.Message)));
            PrintMatrix(stdout, results, Path.GetFullPath(zoo.ZooFolder), parse.GetValue(split)!);
            return 0;
        });
        return command;
    }

    private static void PrintMatrix(TextWriter stdout, IReadOnlyList<ModelScores> results, string zooFolder, string split)
    {
        var tasks = results[0].Tasks.Select(t => t.Task).ToArray();
        stdout.WriteLine($"Exact match on the {split} split, % with 95% Wilson CI (mean answer log-likelihood below):");
        var rows = new List<string[]>();
        foreach (var model in results)
        {
            var name = Path.GetRelativePath(zooFolder, model.Model);
            var byTask = model.Tasks.ToDictionary(t => t.Task);
            rows.Add([name, .. tasks.Select(t => Percent(byTask[t]))]);
            rows.Add(["", .. tasks.Select(t => byTask[t].LogLikelihood.Estimate.ToString("F3", CultureInfo.InvariantCulture))]);
        }
        TextTable.Print(stdout, ["model", .. tasks], rows);
    }

    private static string Percent(TaskScore score) => string.Create(CultureInfo.InvariantCulture,
        $"{100 * score.Score.Estimate:F0} [{100 * score.Score.Low:F0}-{100 * score.Score.High:F0}]");
}
