using System.Globalization;
using Evolve.Cli;

namespace Evolve.Tests.Search.Benchmarks;

public class BenchSearchCommandTests
{
    [Fact]
    public void Rejects_fewer_than_one_candidate()
    {
        var error = new StringWriter();
        Assert.Equal(CliApp.BadInput, CliApp.Run(["bench", "search", "--candidates", "0"], new StringWriter(), error));
        Assert.Contains("--candidates must be at least 1", error.ToString());
    }

    [Fact]
    public void A_missing_space_exits_with_the_input_error_code_naming_the_file()
    {
        var path = Path.Combine(RepoPaths.NewTempDir("bench-search-bad"), "none.yaml");
        var error = new StringWriter();
        Assert.Equal(CliApp.BadInput, CliApp.Run(["bench", "search", path], new StringWriter(), error));
        Assert.Contains(path, error.ToString());
    }

    [Fact]
    public void Prints_the_split_the_rate_and_the_ratio_from_the_same_candidates_both_ways()
    {
        var space = DiskWorkflowTests.WriteSpace(RepoPaths.NewTempDir("bench-search"));
        var output = new StringWriter();
        var code = CliApp.Run(["bench", "search", space, "--candidates", "2", "--threads", "1", "--work-dir", RepoPaths.NewTempDir("bench-search-work")],
            output, new StringWriter());
        Assert.Equal(CliApp.Ok, code);
        var text = output.ToString();
        // The space has three methods, so at least three warm-ups run before the timed candidates.
        var header = System.Text.RegularExpressions.Regex.Match(text, @"2 candidates \(random genomes, seed 3\) after (\d+) warm-up\(s\) that ran each method once, 32 search items each, no racing");
        Assert.True(header.Success, text);
        Assert.InRange(int.Parse(header.Groups[1].Value, CultureInfo.InvariantCulture), 3, 20);
        var rate = System.Text.RegularExpressions.Regex.Match(text, @"in memory \(evolve search\): ([\d.]+) s per candidate = (\d+) candidates/hour");
        Assert.True(rate.Success, text);
        var perHour = 3600 / double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture);
        // Seconds are printed to 0.01, so the printed rate agrees with them to that rounding.
        Assert.Equal(perHour, double.Parse(rate.Groups[2].Value, CultureInfo.InvariantCulture), perHour * 0.01 / double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture) + 1);
        var split = System.Text.RegularExpressions.Regex.Match(text, @"split of that time: merge ([\d.]+) %, bind ([\d.]+) %, score ([\d.]+) %, other ([\d.]+) %; merge \+ bind ([\d.]+) %");
        Assert.True(split.Success, text);
        var shares = Enumerable.Range(1, 5).Select(g => double.Parse(split.Groups[g].Value, CultureInfo.InvariantCulture)).ToArray();
        // Each share is printed to 0.1, so each carries up to 0.05 of rounding: four of them 0.2, merge + bind
        // against its own rounded sum 0.15.
        Assert.Equal(100, shares[0] + shares[1] + shares[2] + shares[3], 0.2 + 1e-9);
        Assert.Equal(shares[0] + shares[1], shares[4], 0.15 + 1e-9);
        Assert.Matches(@"ratio: the disk workflow takes [\d.]+x the in-memory time per candidate", text);
        Assert.Contains("same per-item scores and fitness both ways: yes (2 candidates x 32 items, bit-identical)", text);
    }
}
