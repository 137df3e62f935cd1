using System.CommandLine;
using System.Globalization;
using Evolve.Onnx;

namespace Evolve.Cli.Commands;

/// <summary>`evolve bench ort`: weights as graph inputs vs a session per weight set, on the zoo graph or the tiny Llama.</summary>
internal static class BenchOrtCommand
{
    private const string ZooModel = "zoo/onnx/base.onnx";
    private const string ZooBase = "zoo/base";
    private const string FallbackModel = "../shared/assets/tiny-random-LlamaForCausalLM-fp16/model.onnx";

    public static Command Create(TextWriter stdout)
    {
        var model = new Option<string?>("--model") { Description = $"ONNX graph (default: {ZooModel}, else {FallbackModel})" };
        var baseFolder = new Option<string?>("--base") { Description = $"HF folder of the base the graph was exported from (default: {ZooBase} with the zoo graph; none: the graph's own weights)" };
        var sets = new Option<int>("--weight-sets") { Description = "Weight sets scored per strategy", DefaultValueFactory = _ => 7 };
        var runs = new Option<int>("--runs") { Description = "Runs (batches) per weight set", DefaultValueFactory = _ => 3 };
        var batch = new Option<int>("--batch") { Description = "Rows per batch", DefaultValueFactory = _ => 8 };
        var sequence = new Option<int>("--sequence") { Description = "Tokens per row", DefaultValueFactory = _ => 32 };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads (0: one per physical core)", DefaultValueFactory = _ => 0 };
        var command = new Command("ort", "Score weight sets through ONNX Runtime: weights as graph inputs vs a session per weight set (AddInitializer).");
        foreach (var option in new Option[] { model, baseFolder, sets, runs, batch, sequence, threads }) command.Options.Add(option);
        foreach (var (option, minimum) in new[] { (sets, 1), (runs, 1), (batch, 1), (sequence, 1), (threads, 0) })
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < minimum)
                    result.AddError($"{option.Name} must be at least {minimum}");
            });
        command.SetAction(parse =>
        {
            var modelPath = parse.GetValue(model) ?? (File.Exists(ZooModel) ? ZooModel : FallbackModel);
            var basePath = parse.GetValue(baseFolder) ?? (modelPath == ZooModel && Directory.Exists(ZooBase) ? ZooBase : null);
            var r = OrtBenchmark.Run(modelPath, basePath, parse.GetValue(sets), parse.GetValue(runs), parse.GetValue(batch), parse.GetValue(sequence),
                OrtSessionSettings.Default with { IntraOpThreads = parse.GetValue(threads) }, new Progress(stdout));
            Print(stdout, r);
            return 0;
        });
        return command;
    }

    private static void Print(TextWriter stdout, OrtBenchmarkResult r)
    {
        var c = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(c, $"bench ort: {r.ModelPath}"));
        stdout.WriteLine(string.Create(c, $"  weights: {r.WeightsDescription}; {r.BoundInitializers} initializers, {r.BoundBytes / 1048576.0:0.00} MiB"));
        foreach (var line in r.BindingExceptions) stdout.WriteLine($"    {line}");
        stdout.WriteLine(string.Create(c, $"  {r.WeightSets} weight sets x {r.RunsPerSet} runs, batch {r.Batch} x {r.Sequence} tokens; medians; per set = prepare + {r.RunsPerSet} x run"));
        stdout.WriteLine();
        stdout.WriteLine("  strategy                  setup ms   prepare/set ms   run ms   per set ms   ratio");
        foreach (var t in new[] { r.WeightsAsInputs, r.SessionPerSet })
            stdout.WriteLine(string.Create(c,
                $"  {Name(t.Strategy),-24} {t.SetupMs,9:0.00} {t.PrepareMs,16:0.00} {t.RunMs,8:0.00} {t.PerWeightSetMs,12:0.00} {t.PerWeightSetMs / r.WeightsAsInputs.PerWeightSetMs,7:0.00}x"));
        stdout.WriteLine();
        stdout.WriteLine(string.Create(c, $"  session per set / weights as inputs, per weight set: {r.Ratio:0.00}x"));
        stdout.WriteLine(r.BreakEvenRuns is { } k
            ? string.Create(c, $"  break-even: a session per set pays off above {k:0.0} runs per weight set")
            : "  break-even: none (runs with pre-packed weights were not faster here)");
        stdout.WriteLine(string.Create(c, $"  max |logit difference| between the strategies (first weight set): {r.MaxLogitDifference:G3}"));
    }

    private static string Name(ScoringStrategy strategy) => strategy switch
    {
        ScoringStrategy.WeightsAsInputs => "weights as graph inputs",
        _ => "session per weight set",
    };

    private sealed class Progress(TextWriter stdout) : IProgress<string>
    {
        public void Report(string value) => stdout.WriteLine($"  {value}");
    }
}
