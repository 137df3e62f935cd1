using System.CommandLine;
using System.Globalization;
using Evolve.Text;

namespace Evolve.Cli.Commands;

/// <summary>`evolve bench tokenize`: BPE word encoding against the textbook rescanning loop on the same words.</summary>
internal static class BenchTokenizeCommand
{
    public static Command Create(TextWriter stdout)
    {
        var tokenizer = new Option<FileInfo>("--tokenizer") { Description = "A BPE tokenizer.json (e.g. Llama-3's)", Required = true };
        var size = new Option<int>("--chars") { Description = "Characters of synthetic text", DefaultValueFactory = _ => 1_000_000 };
        var repetitions = new Option<int>("--repetitions") { Description = "Measured repetitions; the median is reported", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic text", DefaultValueFactory = _ => 1 };
        var command = new Command("tokenize", "BPE encoding (merge queue + word cache) vs. the naive rescanning loop, same words.")
        {
            tokenizer, size, repetitions, seed,
        };
        size.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1000)
                result.AddError("--chars must be at least 1000");
        });
        repetitions.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
                result.AddError("--repetitions must be at least 1");
        });
        command.SetAction(parse =>
        {
            var r = TokenizerBenchmark.Run(parse.GetValue(tokenizer)!.FullName, parse.GetValue(size), parse.GetValue(repetitions), parse.GetValue(seed));
            var inv = CultureInfo.InvariantCulture;
            stdout.WriteLine(string.Create(inv, $"bench tokenize: {r.Characters} chars, {r.Words} words, median of {r.Repetitions} after a warm-up"));
            stdout.WriteLine(string.Create(inv, $"  load tokenizer.json            {r.LoadSeconds * 1e3,9:0.0} ms"));
            stdout.WriteLine(string.Create(inv, $"  encode (whole pipeline)        {r.EncodeCharsPerSecond / 1e6,9:0.00} M chars/s"));
            stdout.WriteLine(string.Create(inv, $"  BPE words, queue + cache       {r.ModelSeconds * 1e3,9:0.0} ms"));
            stdout.WriteLine(string.Create(inv, $"  BPE words, naive (baseline)    {r.NaiveSeconds * 1e3,9:0.0} ms"));
            stdout.WriteLine(string.Create(inv, $"  ratio naive / ours             {r.Ratio,9:0.00}x  (words with differing ids: {r.MismatchedWords})"));
            return 0;
        });
        return command;
    }
}
