using System.CommandLine;
using System.Globalization;
using Evolve.Onnx;
using Evolve.Proxy;
using Evolve.Text;

namespace Evolve.Cli.Commands;

/// <summary>`evolve bench score`: scorer throughput against the raw ORT Run time of the same batches, and KV cache vs recomputation.</summary>
internal static class BenchScoreCommand
{
    private const string ZooModel = "zoo/onnx/base.onnx";
    private const string ZooTokenizer = "zoo/base/tokenizer.json";
    private const string FallbackModel = "../shared/assets/tiny-random-LlamaForCausalLM-fp16/model.onnx";
    private const string FallbackTokenizer = "../shared/assets/tiny-random-LlamaForCausalLM-fp16/tokenizer.json";

    public static Command Create(TextWriter stdout)
    {
        var model = new Option<string?>("--model") { Description = $"ONNX graph with its own weights (default: {ZooModel}, else {FallbackModel})" };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer.json of the graph's model (default: the zoo's or the tiny Llama's)" };
        var eos = new Option<string>("--eos") { Description = "End-of-sequence token", DefaultValueFactory = _ => "</s>" };
        var queries = new Option<int>("--queries") { Description = "Queries per workload (fewer make each timed pass too short for a shared machine's load)", DefaultValueFactory = _ => 256 };
        var batch = new Option<int>("--batch-size") { Description = "Rows per forward pass", DefaultValueFactory = _ => 16 };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Generation limit", DefaultValueFactory = _ => 16 };
        var repeats = new Option<int>("--repeats") { Description = "Timed repeats per workload after a warm-up (median of the per-repeat wall / ORT ratios reported, with their range)", DefaultValueFactory = _ => 5 };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads (0: one per physical core)", DefaultValueFactory = _ => 0 };
        var command = new Command("score", "Scorer throughput (log-likelihood, generation) as a ratio of the raw ORT Run time of the same batches; KV cache vs recomputation.");
        foreach (var option in new Option[] { model, tokenizer, eos, queries, batch, maxNew, repeats, threads }) command.Options.Add(option);
        foreach (var (option, minimum) in new[] { (queries, 1), (batch, 1), (maxNew, 1), (repeats, 1), (threads, 0) })
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < minimum)
                    result.AddError($"{option.Name} must be at least {minimum}");
            });
        command.SetAction(parse =>
        {
            var zoo = File.Exists(ZooModel);
            var modelPath = parse.GetValue(model) ?? (zoo ? ZooModel : FallbackModel);
            var tokenizerPath = parse.GetValue(tokenizer) ?? (zoo && modelPath == ZooModel ? ZooTokenizer : FallbackTokenizer);
            var loaded = Tokenizer.Load(tokenizerPath);
            var eosId = loaded.TokenToId(parse.GetValue(eos)!)
                ?? throw new TokenizerFormatException(tokenizerPath, null, $"no token \"{parse.GetValue(eos)}\"", "pass the model's end-of-sequence token with --eos");
            var r = ScoreBenchmark.Run(modelPath, new TokenizerCodec(loaded, eosId), parse.GetValue(queries), parse.GetValue(batch), parse.GetValue(maxNew),
                parse.GetValue(repeats), OrtSessionSettings.Default with { IntraOpThreads = parse.GetValue(threads) }, new Progress<string>(s => stdout.WriteLine($"  {s}")));
            Print(stdout, r);
            return 0;
        });
        return command;
    }

    private static void Print(TextWriter stdout, ScoreBenchmarkResult r)
    {
        var c = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(c, $"bench score: {r.Model}; {r.Queries} queries, batch {r.Batch}, max {r.MaxNewTokens} new tokens; medians of {r.LogLikelihood.Walls.Count} repeats"));
        stdout.WriteLine("  workload                      queries/s     tokens/s    wall ms     ORT ms   wall / ORT (min–max)");
        foreach (var t in new[] { r.LogLikelihood, r.Recomputation, r.KvCache }.OfType<ScoreTiming>())
            stdout.WriteLine(string.Create(c,
                $"  {t.Name,-28} {t.QueriesPerSecond,10:0.0} {t.TokensPerSecond,12:0.0} {t.WallSeconds * 1000,10:0.0} {t.OrtSeconds * 1000,10:0.0} {t.Overhead,11:0.000} ({t.OverheadMin:0.000}–{t.OverheadMax:0.000})"));
        if (r.KvSpeedup is { } speedup)
            stdout.WriteLine(string.Create(c, $"  KV cache vs recomputation (wall, same prompts): {speedup:0.00}x faster; same generations: {r.SameGenerations}"));
        else
            stdout.WriteLine("  KV cache: the graph has no past inputs (recomputation only)");
    }
}
