using Evolve.Proxy;
using Evolve.Proxy.Tasks;

namespace Evolve.Tests.Proxy;

public class ProxyDeclarationTests
{
    private static string Write(string text, string name = "tasks.yaml")
    {
        var path = Path.Combine(RepoPaths.NewTempDir("tasks"), name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Reads_every_setting_under_a_proxy_key_with_defaults_and_relative_files()
    {
        var path = Write("""
            proxy:
              files: [arith.jsonl, qa.jsonl]
              split: {heldout: 0.25, seed: 7}
              defaults: {normalize: [trim]}
              tasks:
                arith:
                  metric: exact_match
                  weight: 2
                  max_new_tokens: 8
                  stop: ["\n", "Q:"]
                  normalize: [trim, last_number]
                  template: "Q: {prompt}\nA:"
                mc:
                  metric: acc_norm
                  choice_delimiter: ""
            """);
        var d = ProxyDeclarationReader.Load(path);
        var folder = Path.GetDirectoryName(path)!;
        Assert.Equal([Path.Combine(folder, "arith.jsonl"), Path.Combine(folder, "qa.jsonl")], d.Files);
        Assert.Equal(new ProxySplit(0.25, 7), d.Split);
        var arith = d.SettingsOf("arith");
        Assert.Equal((TaskMetric.ExactMatch, 2.0, 8), (arith.Metric, arith.Weight, arith.MaxNewTokens!.Value));
        Assert.Equal(["\n", "Q:"], arith.Stop);
        Assert.Equal(AnswerNormalization.Trim | AnswerNormalization.LastNumber, arith.Normalize);
        Assert.Equal("Q: 2+2\nA:", arith.FormatPrompt("2+2"));
        var mc = d.SettingsOf("mc");
        Assert.Equal((TaskMetric.MultipleChoiceNormalized, "", AnswerNormalization.Trim), (mc.Metric, mc.ChoiceDelimiter, mc.Normalize));
        Assert.Equal(AnswerNormalization.Trim, d.SettingsOf("other").Normalize);
    }

    [Fact]
    public void Json_is_accepted_too()
    {
        var d = ProxyDeclarationReader.Load(Write("""{"files": "a.jsonl", "tasks": {"a": {"metric": "log_likelihood", "weight": 0.5}}}""", "tasks.json"));
        Assert.Equal((TaskMetric.LogLikelihood, 0.5), (d.SettingsOf("a").Metric, d.SettingsOf("a").Weight));
    }

    [Theory]
    [InlineData("tasks:\n  a:\n    metric: f1\n", 3, "tasks.a.metric \"f1\" is not a metric")]
    [InlineData("tasks:\n  a:\n    template: \"Q:\"\n", 3, "has no {prompt} placeholder")]
    [InlineData("files: [a]\nsplitt: {}\n", 2, "unknown key \"splitt\"")]
    [InlineData("files: [a]\nsplit: {heldout: 1.5}\n", 2, "strictly between 0 and 1")]
    [InlineData("tasks:\n  a:\n    weight: -1\n", 3, "must be positive")]
    [InlineData("tasks:\n  a:\n    normalize: [upper]\n", 3, "\"upper\" is not a normalization")]
    [InlineData("files: [a\n", 2, "not valid YAML")]
    public void Bad_declarations_are_located_errors(string text, int line, string problem)
    {
        var path = Write(text);
        var e = Assert.Throws<TaskSettingsException>(() => ProxyDeclarationReader.Load(path));
        Assert.StartsWith($"{path}:{line}:", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void An_unclosed_flow_list_is_a_task_file_error_not_a_crash()
    {
        var path = Write("files: [3\ndefaults: {metric: exact_match}\n");
        var e = Assert.Throws<TaskSettingsException>(() => ProxyDeclarationReader.Load(path));
        Assert.Equal(path, e.Location);
        Assert.StartsWith("not valid YAML", e.Problem);
    }

    [Fact]
    public void The_seeded_split_is_per_task_deterministic_and_disjoint()
    {
        var items = Enumerable.Range(0, 10).Select(i => new ProxyItem($"a{i}", "a", "p", "x", null, null, 1, "f"))
            .Concat(Enumerable.Range(0, 4).Select(i => new ProxyItem($"b{i}", "b", "p", "x", null, null, 1, "f"))).ToArray();
        var (search, heldOut) = new ProxySplit(0.3, 11).Apply(items);
        Assert.Equal(3, heldOut.Count(i => i.Task == "a"));   // round(0.3 × 10)
        Assert.Equal(1, heldOut.Count(i => i.Task == "b"));   // round(0.3 × 4) = 1
        Assert.Equal(14, search.Count + heldOut.Count);
        Assert.Empty(search.Intersect(heldOut));
        var again = new ProxySplit(0.3, 11).Apply(items);
        Assert.Equal(heldOut.Select(i => i.Id), again.HeldOut.Select(i => i.Id));
        var other = new ProxySplit(0.3, 12).Apply(items);
        Assert.NotEqual(heldOut.Select(i => i.Id), other.HeldOut.Select(i => i.Id));
    }
}
