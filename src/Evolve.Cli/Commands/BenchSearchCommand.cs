using System.CommandLine;
using System.Globalization;
using Evolve.Cli.Output;
using Evolve.Search.Benchmarks;

namespace Evolve.Cli.Commands;

/// <summary>`evolve bench search [SPACE.yaml] [--candidates N]`: the search's evaluator against mergekit-evolve's disk workflow, same candidates.</summary>
internal static class BenchSearchCommand
{
    private const string ZooSpace = "search-spaces/zoo.yaml";

    public static Command Create(TextWriter stdout)
    {
        var space = new Argument<string>("space") { Description = $"Search space YAML (default {ZooSpace})", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => ZooSpace };
        var candidates = new Option<int>("--candidates") { Description = "Timed candidates (random genomes of the space; untimed ones warm up first until each of its methods ran once)", DefaultValueFactory = _ => 10 };
        var seed = new Option<ulong?>("--seed") { Description = "Seed of the genomes, DARE masks and intervals (default: the space's)" };
        var work = new Option<string?>("--work-dir") { Description = "Where the disk workflow writes merged folders (default: the temp folder)" };
        var session = new OrtOptions();
        var command = new Command("search",
            "Candidates per hour of `evolve search`'s in-memory evaluator, its merge/bind/score split, and the ratio against merging to disk, loading and scoring the same candidates.");
        command.Arguments.Add(space);
        foreach (var option in new Option[] { candidates, seed, work }) command.Options.Add(option);
        session.AddTo(command);
        candidates.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
                result.AddError("--candidates must be at least 1");
        });
        command.SetAction(async (parse, cancellation) =>
        {
            var r = await SearchBenchmark.RunAsync(new SearchBenchmarkSettings
            {
                Space = parse.GetValue(space)!,
                Candidates = parse.GetValue(candidates),
                Seed = parse.GetValue(seed),
                WorkFolder = parse.GetValue(work),
                Strategy = session.Strategy(parse),
                Session = session.Settings(parse),
            }, new Progress<string>(s => stdout.WriteLine($"  {s}")), cancellation);
            Print(stdout, r);
            return 0;
        });
        return command;
    }

    private static void Print(TextWriter stdout, SearchBenchmarkResult r)
    {
        string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        stdout.WriteLine(F($"bench search: {r.Space}; {r.Candidates.Count} candidates (random genomes, seed {r.Seed}) after {r.WarmUps} warm-up(s) that ran each method once, {r.SearchItems} search items each, no racing"));
        TextTable.Print(stdout, ["candidate", "method", "merge ms", "bind ms", "score ms", "in memory ms", "write ms", "open ms", "load+score ms", "disk ms", "disk / memory", "same scores"],
            r.Candidates.Select(c => new[]
            {
                c.Id.ToString(CultureInfo.InvariantCulture), c.Method, F($"{c.MergeMs:0.0}"), F($"{c.BindMs:0.0}"), F($"{c.ScoreMs:0.0}"), F($"{c.MemoryMs:0.0}"),
                F($"{c.Disk.WriteMs:0.0}"), F($"{c.Disk.OpenMs:0.0}"), F($"{c.Disk.LoadScoreMs:0.0}"), F($"{c.Disk.TotalMs:0.0}"), F($"{c.Disk.TotalMs / c.MemoryMs:0.00}"),
                c.Identical ? "yes" : F($"no (max |diff| {c.MaxItemDifference:G3})"),
            }).ToArray());
        stdout.WriteLine(F($"  in memory (evolve search): {r.MemoryMs / 1000:0.00} s per candidate = {r.CandidatesPerHour:0} candidates/hour (startup {r.StartupMs / 1000:0.00} s, once per run)"));
        stdout.WriteLine(F($"    split of that time: merge {100 * r.MergeShare:0.0} %, bind {100 * r.BindShare:0.0} %, score {100 * r.ScoreShare:0.0} %, other {100 * r.OtherShare:0.0} %; merge + bind {100 * (r.MergeShare + r.BindShare):0.0} % (target < 10 %)"));
        stdout.WriteLine(F($"  disk (mergekit-evolve's default: merge to an HF folder, load, score): {r.DiskMs / 1000:0.00} s per candidate = {r.DiskCandidatesPerHour:0} candidates/hour"));
        stdout.WriteLine(F($"  ratio: the disk workflow takes {r.Ratio:0.00}x the in-memory time per candidate"));
        stdout.WriteLine(r.Identical
            ? F($"  same per-item scores and fitness both ways: yes ({r.Candidates.Count} candidates x {r.SearchItems} items, bit-identical)")
            : F($"  same per-item scores and fitness both ways: NO (max |difference| {r.MaxItemDifference:G3})"));
    }
}
