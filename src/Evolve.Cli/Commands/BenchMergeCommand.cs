using System.CommandLine;
using System.Globalization;
using Evolve.Merging.Benchmarks;

namespace Evolve.Cli.Commands;

/// <summary>`evolve bench merge`: merge throughput, peak memory and incremental re-merge against same-run baselines.</summary>
internal static class BenchMergeCommand
{
    public static Command Create(TextWriter stdout)
    {
        var layers = new Option<int>("--layers") { Description = "Llama-7B-shaped layers per synthetic model", DefaultValueFactory = _ => 2 };
        var threads = new Option<int>("--threads") { Description = "Tensors merged at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var repetitions = new Option<int>("--repetitions") { Description = "Measured repetitions; the median is reported", DefaultValueFactory = _ => 3 };
        var work = new Option<string?>("--work-dir") { Description = "Where the synthetic models are written (default: the temp folder)" };
        var methods = new Option<string[]>("--methods")
        {
            Description = $"Methods to time (default: {string.Join(", ", MergeBenchmark.Methods)})",
            DefaultValueFactory = _ => [.. MergeBenchmark.Methods],
            AllowMultipleArgumentsPerToken = true,
        };
        methods.AcceptOnlyFromAmong([.. MergeBenchmark.Methods]);
        var command = new Command("merge", "Merge throughput (linear, task_arithmetic, ties, dare_ties) vs. memory bandwidth, peak RSS, incremental re-merge.");
        command.Options.Add(layers);
        command.Options.Add(threads);
        command.Options.Add(repetitions);
        command.Options.Add(work);
        command.Options.Add(methods);
        command.Validators.Add(result =>
        {
            if (result.GetResult(layers) is { Implicit: false } && result.GetValue(layers) < 2) result.AddError("--layers must be at least 2");
            if (result.GetResult(threads) is { Implicit: false } && result.GetValue(threads) < 1) result.AddError("--threads must be at least 1");
            if (result.GetResult(repetitions) is { Implicit: false } && result.GetValue(repetitions) < 1) result.AddError("--repetitions must be at least 1");
        });
        command.SetAction(parse =>
        {
            var r = MergeBenchmark.Run(parse.GetValue(layers), parse.GetValue(threads), parse.GetValue(repetitions), parse.GetValue(work),
                new LineProgress(stdout), methods: parse.GetValue(methods));
            string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
            stdout.WriteLine(F($"bench merge: {r.Models} BF16 models x {r.ModelBytes / 1e9:0.000} GB ({r.Layers} Llama-7B layers), {r.Threads} thread(s), medians; each merge timed right after a baseline run, ratio = median of those pairs"));
            stdout.WriteLine(F($"  bandwidth baseline (SIMD RMW, 3 in 1 out)  {r.BandwidthGBps,7:0.00} GB/s of input"));
            foreach (var m in r.Methods)
                stdout.WriteLine(F($"  {m.Method,-16} {m.GBps,7:0.00} GB/s  ratio {m.RatioToBandwidth:0.00}  ({m.Seconds:0.00} s, CPU {m.CpuUtilization:P0} of {r.Threads} threads)"));
            foreach (var d in r.DiskMerges)
                stdout.WriteLine(F($"  merge to disk ({d.Method})  {d.Seconds:0.00} s; peak RSS {d.PeakRssBytes / 1e9:0.00} GB = {d.PeakRssBytes / (double)r.ModelBytes:0.00}x one model ") + F($"(anonymous {d.PeakAnonymousRssBytes / 1e9:0.00} GB = {d.PeakAnonymousRssBytes / (double)r.ModelBytes:0.00}x; executor working set {d.PeakWorkingBytes / 1e9:0.00} GB)"));
            stdout.WriteLine(F($"  incremental re-merge (1 of {r.Layers} layers changed)  {r.IncrementalSeconds:0.00} s vs full {r.FullMergeSeconds:0.00} s = {r.IncrementalRatio:0.00} ") + F($"(target ~{1.0 / r.Layers:0.00}; {r.IncrementalComputed} recomputed, {r.IncrementalReused} reused)"));
            return 0;
        });
        return command;
    }

    private sealed class LineProgress(TextWriter stdout) : IProgress<string>
    {
        public void Report(string value) => stdout.WriteLine($"  {value}");
    }
}
