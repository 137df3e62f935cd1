using System.CommandLine;
using Evolve.Cli.Output;
using Evolve.Export;

namespace Evolve.Cli.Commands;

/// <summary>`evolve export runs/&lt;id&gt; --out DIR [--rank N] [--merge]`: a hall-of-fame recipe for production.</summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter stdout)
    {
        var run = new Argument<string>("run") { Description = "The run folder (runs/<id>) or its run.db" };
        var output = new Option<string>("--out") { Description = "Output folder (must not exist or be empty)", Required = true };
        var rank = new Option<int>("--rank") { Description = "Hall-of-fame rank to export (1 = the winner)", DefaultValueFactory = _ => 1 };
        var merge = new Option<bool>("--merge") { Description = "Also write the merged Hugging Face checkpoint to DIR/model" };
        var threads = new Option<int>("--threads") { Description = "Tensors merged at once (with --merge)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("export", "Export a run's recipe for production: mergekit YAML, native recipe JSON, manifest.json (input hashes, seed, scores); optionally the merged checkpoint.");
        command.Arguments.Add(run);
        command.Options.Add(output);
        command.Options.Add(rank);
        command.Options.Add(merge);
        command.Options.Add(threads);
        command.Validators.Add(result =>
        {
            if (result.GetResult(rank) is { Implicit: false } && result.GetValue(rank) < 1) result.AddError("--rank must be at least 1");
            if (result.GetResult(threads) is { Implicit: false } && result.GetValue(threads) < 1) result.AddError("--threads must be at least 1");
        });
        command.SetAction(parse =>
        {
            var options = new ExportOptions { Rank = parse.GetValue(rank), Merge = parse.GetValue(merge), Threads = parse.GetValue(threads) };
            var result = options.Merge
                ? MergeProgressBar.Run(stdout, progress => RunExport.Run(parse.GetValue(run)!, parse.GetValue(output)!, options with { MergeProgress = progress }))
                : RunExport.Run(parse.GetValue(run)!, parse.GetValue(output)!, options);
            stdout.WriteLine($"exported rank {result.Rank} (candidate {result.Candidate}) to {result.Folder}");
            foreach (var file in result.Files) stdout.WriteLine($"  {Path.GetFileName(file)}");
            if (result.MergedFolder is not null) stdout.WriteLine($"  {Path.GetFileName(result.MergedFolder)}/ (merged checkpoint)");
            return 0;
        });
        return command;
    }
}
