using System.CommandLine;
using System.Globalization;
using Evolve.Checkpoints;

namespace Evolve.Cli.Commands;

/// <summary>`evolve bench load`: safetensors load + BF16→F32 against a sequential read + memcpy of the same bytes.</summary>
internal static class BenchLoadCommand
{
    public static Command Create(TextWriter stdout)
    {
        var size = new Option<int>("--size-mb") { Description = "Size of the generated BF16 checkpoint in MB (MiB)", DefaultValueFactory = _ => 512 };
        var repetitions = new Option<int>("--repetitions") { Description = "Measured repetitions; the median is reported", DefaultValueFactory = _ => 5 };
        var command = new Command("load", "Load + BF16→F32 of a generated checkpoint vs. a plain read + memcpy of the same bytes.");
        command.Options.Add(size);
        command.Options.Add(repetitions);
        size.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 32)
                result.AddError("--size-mb must be at least 32");
        });
        repetitions.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
                result.AddError("--repetitions must be at least 1");
        });
        command.SetAction(parse =>
        {
            var result = LoadBenchmark.Run((long)parse.GetValue(size) << 20, parse.GetValue(repetitions),
                new SynchronousProgress(stdout));
            var gb = result.FileBytes / 1e9;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bench load: {result.TensorCount} BF16 tensors, {gb:0.###} GB, median of {result.Repetitions} after a warm-up"));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  load + BF16->F32 (mmap, SIMD)   {result.LoadGBps,7:0.00} GB/s  ({result.LoadSeconds * 1e3:0.0} ms)"));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  read + memcpy (baseline)        {result.BaselineGBps,7:0.00} GB/s  ({result.BaselineSeconds * 1e3:0.0} ms)"));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ratio load / baseline           {result.Ratio,7:0.00}x"));
            return 0;
        });
        return command;
    }

    /// <summary>Reports on the calling thread, so progress lines and results never interleave.</summary>
    private sealed class SynchronousProgress(TextWriter stdout) : IProgress<string>
    {
        public void Report(string value) => stdout.WriteLine($"  {value}");
    }
}
