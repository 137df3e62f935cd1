using System.CommandLine;
using Evolve.Cli.Output;
using System.Globalization;
using Evolve.Checkpoints;
using Evolve.Merging.Execution;
using Evolve.Merging.Methods;
using Evolve.Merging.Output;
using Evolve.Merging.Parameters;
using Evolve.Onnx;

namespace Evolve.Cli.Commands;

/// <summary>`evolve merge RECIPE.yaml --out DIR`: a mergekit recipe merged into a Hugging Face folder.</summary>
internal static class MergeCommand
{
    public static Command Create(TextWriter stdout)
    {
        var recipe = new Argument<string?>("recipe") { Description = "mergekit YAML recipe", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string?>("--out") { Description = "Output folder (must not exist or be empty)" };
        var shardSize = new Option<string>("--shard-size") { Description = "Largest shard: 5GB, 2GiB, 500MB or bytes", DefaultValueFactory = _ => "5GB" };
        var threads = new Option<int>("--threads") { Description = "Tensors merged at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var seed = new Option<ulong>("--random-seed") { Description = "Seed of DARE/DELLA masks", DefaultValueFactory = _ => 0 };
        var onnx = new Option<string?>("--onnx") { Description = "The base's ONNX export: also write it carrying the merged weights, to DIR/onnx/model.onnx (+ .data)" };
        var listMethods = new Option<bool>("--list-methods") { Description = "Print every merge method with its parameters and exit" };
        var command = new Command("merge", "Merge models as a mergekit recipe says, into a Hugging Face folder (sharded safetensors, config, tokenizer).");
        command.Arguments.Add(recipe);
        command.Options.Add(output);
        command.Options.Add(shardSize);
        command.Options.Add(threads);
        command.Options.Add(seed);
        command.Options.Add(onnx);
        command.Options.Add(listMethods);
        command.Validators.Add(result =>
        {
            if (result.GetValue(listMethods)) return;
            if (result.GetValue(recipe) is null) result.AddError("a recipe is required (or --list-methods)");
            if (result.GetValue(output) is null) result.AddError("--out is required");
            if (result.GetResult(threads) is { Implicit: false } && result.GetValue(threads) < 1) result.AddError("--threads must be at least 1");
        });
        command.SetAction(parse =>
        {
            if (parse.GetValue(listMethods))
            {
                PrintMethods(stdout);
                return 0;
            }
            var options = new MergeToFolderOptions
            {
                MaxShardBytes = ShardSize.Parse(parse.GetValue(shardSize)!, "option --shard-size"),
                Threads = parse.GetValue(threads),
                Seed = parse.GetValue(seed),
                AlsoWrite = parse.GetValue(onnx) is { } graph
                    ? (staging, baseFolder) => MergedGraphExport.Write(graph, baseFolder, staging, Path.Combine(staging, "onnx"))
                    : null,
            };
            var result = Run(parse.GetValue(recipe)!, parse.GetValue(output)!, options, stdout);
            var s = result.Stats;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"merged {result.Tensors} tensors ({result.OutputLayers} layers) into {result.Folder}: {s.Elapsed.TotalSeconds:0.0} s, "
                + $"{result.Tensors / Math.Max(s.Elapsed.TotalSeconds, 1e-9):0.0} tensors/s, {s.BytesRead / 1e9 / Math.Max(s.Elapsed.TotalSeconds, 1e-9):0.00} GB/s read"));
            foreach (var file in result.Files) stdout.WriteLine($"  {Path.GetFileName(file)}");
            return 0;
        });
        return command;
    }

    private static MergeToFolderResult Run(string recipe, string output, MergeToFolderOptions options, TextWriter stdout) =>
        MergeProgressBar.Run(stdout, progress => MergeToFolder.Run(recipe, output, options with { Progress = progress }));

    /// <summary>Every method's declaration, straight from the registry: the same records validation and search read.</summary>
    internal static void PrintMethods(TextWriter stdout)
    {
        foreach (var m in MergeMethodRegistry.All)
        {
            var baseText = m.BaseModel switch
            {
                BaseModelRole.Required => "base required",
                BaseModelRole.Optional => "base optional",
                _ => "base merged as an input",
            };
            stdout.WriteLine($"{m.Name}  ({baseText}; {m.Inputs} other model(s){(m.UsesRandomness ? "; seeded" : "")})");
            stdout.WriteLine($"  {m.Summary}");
            stdout.WriteLine($"  {m.Reference}");
            foreach (var p in m.Parameters)
            {
                var scope = p.Scope == ParameterScope.Global ? "global" : "per model";
                stdout.WriteLine($"    {p.Name,-18} {scope,-9} {p.Kind.ToString().ToLowerInvariant(),-7} default {p.DefaultText,-8} valid {p.Valid,-12} {p.Description}{(p.Ignored ? " (accepted, no effect)" : "")}");
            }
            stdout.WriteLine();
        }
    }
}
