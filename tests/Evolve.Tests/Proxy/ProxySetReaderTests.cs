using Evolve.Proxy;

namespace Evolve.Tests.Proxy;

public class ProxySetReaderTests
{
    private static string Write(string name, params string[] lines)
    {
        var path = Path.Combine(RepoPaths.NewTempDir("proxy"), name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Reads_free_form_and_multiple_choice_items_with_defaults()
    {
        var path = Write("arith.jsonl",
            """{"prompt": "2+2=", "answer": "4"}""",
            "",
            """{"id": "q7", "task": "logic", "prompt": "Sky?", "choices": ["green", "blue"], "answer": 1, "weight": 2.5}""");
        var items = ProxySetReader.Read(path);
        Assert.Equal(2, items.Count);
        Assert.Equal(("arith:1", "arith", "2+2=", "4"), (items[0].Id, items[0].Task, items[0].Prompt, items[0].ReferenceAnswer));
        Assert.Equal(1.0, items[0].Weight);
        Assert.True(items[1].IsMultipleChoice);
        Assert.Equal(("q7", "logic", "blue", 2.5), (items[1].Id, items[1].Task, items[1].ReferenceAnswer, items[1].Weight));
    }

    [Theory]
    [InlineData("{\"prompt\": \"a\", \"answer\": ", 2, "malformed JSON")]
    [InlineData("{\"answer\": \"x\"}", 2, "missing field \"prompt\"")]
    [InlineData("{\"prompt\": \"a\"}", 2, "missing field \"answer\"")]
    [InlineData("{\"prompt\": 3, \"answer\": \"x\"}", 2, "field \"prompt\" must be a string")]
    [InlineData("[1, 2]", 2, "expected a JSON object")]
    [InlineData("{\"prompt\": \"a\", \"choices\": [\"x\", \"y\"], \"answer\": 2}", 2, "index 2 is outside the 2 choices")]
    [InlineData("{\"prompt\": \"a\", \"choices\": [\"x\", \"y\"], \"answer\": \"y\"}", 2, "needs \"answer\": the index")]
    [InlineData("{\"prompt\": \"a\", \"choices\": [\"x\"], \"answer\": 0}", 2, "at least two strings")]
    [InlineData("{\"prompt\": \"a\", \"answer\": \"x\", \"weight\": -1}", 2, "positive number")]
    [InlineData("{\"id\": \"q1\", \"prompt\": \"a\", \"answer\": \"b\"}", 2, "duplicate id \"q1\"")]
    public void Bad_lines_are_located(string badLine, int line, string problem)
    {
        var path = Write("t.jsonl", """{"id": "q1", "prompt": "ok", "answer": "ok"}""", badLine);
        var e = Assert.Throws<ProxySetException>(() => ProxySetReader.Read(path));
        Assert.Equal($"{path}:{line}", e.Location);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Missing_and_empty_files_are_refused()
    {
        var missing = Path.Combine(RepoPaths.NewTempDir("proxy"), "nope.jsonl");
        Assert.Contains("not found", Assert.Throws<ProxySetException>(() => ProxySetReader.Read(missing)).Message);
        var empty = Write("empty.jsonl", "", "  ");
        Assert.Contains("holds no queries", Assert.Throws<ProxySetException>(() => ProxySetReader.Read(empty)).Message);
    }
}
