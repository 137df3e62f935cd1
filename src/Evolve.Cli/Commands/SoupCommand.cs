using System.CommandLine;
using System.Globalization;
using Evolve.Cli.Output;
using Evolve.Search.Space;
using Evolve.Soups;

namespace Evolve.Cli.Commands;

/// <summary>
/// `evolve soup SPACE.yaml [--from-run runs/ID --top K] [--out DIR] [--json]`: the greedy soup of the space's models,
/// or of a run's best recipes, on the held-out split, with the uniform soup beside it.
/// </summary>
internal static class SoupCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var space = new Argument<string>("space") { Description = "Search space YAML: base, models, ONNX graph, proxy block (with a held-out split), seed, dtype" };
        var run = new Option<string?>("--from-run") { Description = "A search run folder (runs/ID): soup its best recipes (hall of fame first) instead of the space's models" };
        var top = new Option<int>("--top") { Description = "How many of the run's recipes are ingredients", DefaultValueFactory = _ => 5 };
        var output = new Option<string?>("--out") { Description = "Output folder (default: runs/soup-<UTC time>)" };
        var batch = new Option<int>("--batch-size") { Description = "Queries per forward pass", DefaultValueFactory = _ => 16 };
        var json = new Option<bool>("--json") { Description = "Print soup.json instead of the table" };
        var session = new OrtOptions();

        var command = new Command("soup", "Greedy soup: add ingredients best first to a uniform average while the held-out score does not drop.");
        command.Arguments.Add(space);
        foreach (var option in new Option[] { run, top, output, batch, json })
            command.Options.Add(option);
        session.AddTo(command);
        command.SetAction(parse =>
        {
            var request = SoupRequest.FromSpace(SearchSpace.Load(parse.GetValue(space)!),
                parse.GetValue(output) ?? Path.Combine("runs", "soup-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)),
                parse.GetValue(run), parse.GetValue(top)) with
            {
                BatchSize = parse.GetValue(batch),
                Strategy = session.Strategy(parse),
                Session = session.Settings(parse),
            };
            var result = ScoringProgressBar.Run(stderr, "soup", progress => Soup.Run(request, progress));
            return JsonOrTable.Print(stdout, parse.GetValue(json), result, result.JsonPath, Print);
        });
        return command;
    }

    /// <summary>Each greedy step, the soup against the uniform baseline, and the files (also `evolve demo`'s soup section).</summary>
    internal static void Print(TextWriter stdout, SoupResult result)
    {
        var ingredients = result.Ingredients;
        string Names(IEnumerable<int> members) => string.Join(" + ", members.Select(i => ingredients[i].Name));
        stdout.WriteLine($"Greedy soup of {ingredients.Count} {(result.RunFolder is null ? "checkpoints" : "recipes of " + result.RunFolder)}, held-out fitness [95% CI]:");
        TextTable.Print(stdout, ["ingredient", "alone", "soup tried", "soup fitness", "kept"],
            result.Greedy.Steps.Select(s => new[]
            {
                ingredients[s.Ingredient].Name, ScoreCommand.Format(ingredients[s.Ingredient].HeldOut.Fitness), Names(s.Soup), ScoreCommand.Format(s.Score.Fitness),
                s.Added ? "yes" : "no (drops)",
            }).ToList());
        stdout.WriteLine($"greedy soup  {ScoreCommand.Format(result.Greedy.Score.Fitness)}  {Names(result.Greedy.Members)}");
        stdout.WriteLine($"uniform soup {ScoreCommand.Format(result.Uniform.Fitness)}  all {ingredients.Count} (baseline)");
        stdout.WriteLine($"wrote {result.JsonPath}, {result.RecipePath}, {result.UniformRecipePath}");
        if (ingredients.Any(i => i.Recipe is not null))
            stdout.WriteLine($"the soup recipes name the ingredients' merged folders: merge first, e.g. `evolve merge {ingredients[0].Recipe} --out {ingredients[0].Folder}`");
    }
}
