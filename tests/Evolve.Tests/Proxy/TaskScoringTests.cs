using Evolve.Proxy;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Statistics;
using Evolve.Proxy.Tasks;
using Evolve.Randomness;
using static Evolve.Tests.Proxy.ScoringMathTests;

namespace Evolve.Tests.Proxy;

/// <summary>Task metrics on the hand-computable bigram model of <see cref="ScoringMathTests"/> (0 pad, 1 bos, 2 eos, 3 'a', 4 'b').</summary>
public class TaskScoringTests
{
    private static ProxyItem Choice(string id, string prompt, string[] choices, int answer) => new(id, "mc", prompt, null, choices, answer, 1, $"mc.jsonl:{id}");

    private static double LogP(int previous, int token) =>
        Table[previous, token] - Math.Log(Enumerable.Range(0, 5).Sum(v => Math.Exp(Table[previous, v])));

    [Fact]
    public void Multiple_choice_acc_and_acc_norm_follow_lm_evals_definitions()
    {
        // Prompt "" → [bos]; delimiter "" so choice "a" is [a] and "ab" is [a, b].
        // Sums: "a" = LogP(1,3) ≈ −0.573; "ab" = LogP(1,3) + LogP(3,4) ≈ −0.823.
        double a = LogP(1, 3), ab = LogP(1, 3) + LogP(3, 4);
        Assert.True(a > ab);          // acc picks "a" …
        Assert.True(ab / 2 > a / 1);  // … acc_norm (per character) picks "ab".
        var items = new[] { Choice("q", "", ["a", "ab"], 1) };
        double Score(TaskMetric metric) => new ProxyScorer(new CharCodec(), items, new ScoringOptions(),
            _ => new TaskSettings { Metric = metric, ChoiceDelimiter = "" }).Score(new BigramLm(Table)).Single().Score.Estimate;
        Assert.Equal(0, Score(TaskMetric.MultipleChoice));
        Assert.Equal(1, Score(TaskMetric.MultipleChoiceNormalized));
        var item = new ProxyScorer(new CharCodec(), items, new ScoringOptions(), _ => new TaskSettings { Metric = TaskMetric.MultipleChoice, ChoiceDelimiter = "" })
            .Score(new BigramLm(Table)).Single().Items.Single();
        Assert.Equal(ab / 2, item.LogLikelihood, 1e-6);
    }

    [Fact]
    public void Generation_metrics_apply_template_stop_strings_and_normalization()
    {
        // Greedy after bos is "a", "b", eos: the generation of prompt "" is "ab".
        var items = new[] { new ProxyItem("1", "t", "", "b", null, null, 1, "t:1") };
        double Run(TaskSettings s) => new ProxyScorer(new CharCodec(), items, new ScoringOptions(), _ => s).Score(new BigramLm(Table)).Single().Items.Single().Score;
        Assert.Equal(0, Run(new TaskSettings { Metric = TaskMetric.ExactMatch, MaxNewTokens = 3 }));
        Assert.Equal(1, Run(new TaskSettings { Metric = TaskMetric.Contains, MaxNewTokens = 3 }));
        // Template "{prompt}b": the prompt ends in 'b', whose greedy continuation is eos at once: empty generation.
        Assert.Equal(0, Run(new TaskSettings { Metric = TaskMetric.Contains, Template = "{prompt}b", MaxNewTokens = 3 }));
        // A stop string "b" cuts "ab" to "a", which no longer contains "b".
        Assert.Equal(0, Run(new TaskSettings { Metric = TaskMetric.Contains, Stop = ["b"], MaxNewTokens = 3 }));
        var regex = new[] { new ProxyItem("2", "t", "a", "^b+$", null, null, 1, "t:2") };
        Assert.Equal(1, new ProxyScorer(new CharCodec(), regex, new ScoringOptions(), _ => new TaskSettings { Metric = TaskMetric.Regex, MaxNewTokens = 3 })
            .Score(new BigramLm(Table)).Single().Items.Single().Score);
    }

    [Fact]
    public void Stop_strings_cut_the_generation_and_end_the_row()
    {
        var settings = new TaskSettings { Stop = ["\n", "##"] };
        Assert.Equal("12", settings.CutAtStop("12##x\ny"));
        Assert.Equal(1, settings.Judge("12\n34", "12"));
        // Bigram: bos → a → b → eos. A stop on "a" ends the row after its first token.
        var lm = new BigramLm(Table);
        var codec = new CharCodec();
        var outputs = GreedyGenerator.Generate(lm, [new GenerationRequest([1], 5, ids => codec.Decode(ids.ToArray()).Contains('a'))], 2, 4);
        Assert.Equal(new[] { 3 }, outputs[0]);
    }

    [Theory]
    [InlineData("The answer is 1,234.", AnswerNormalization.LastNumber, "1234")]
    [InlineData("x = -3.5 then 7.", AnswerNormalization.LastNumber, "7")]
    [InlineData("no digits", AnswerNormalization.LastNumber, "")]
    [InlineData("  Paris!  ", AnswerNormalization.StripPunctuation | AnswerNormalization.Lowercase | AnswerNormalization.Trim, "paris")]
    [InlineData("  Paris  ", AnswerNormalization.None, "  Paris  ")]
    public void Normalization_steps(string text, AnswerNormalization steps, string expected) =>
        Assert.Equal(expected, AnswerNormalizer.Apply(text, steps));

    [Fact]
    public void Fitness_is_the_weighted_mean_and_a_single_task_gives_the_tasks_own_bootstrap()
    {
        ItemScore S(string task, double v) => new("i", task, v, 0, null);
        var a = new TaskScore("a", TaskMetric.ExactMatch, 1, default, default, [S("a", 1), S("a", 0), S("a", 1), S("a", 1)]);
        var b = new TaskScore("b", TaskMetric.LogLikelihood, 3, default, default, [S("b", -2), S("b", -1)]);
        var fitness = Fitness.Of([a, b], seed: 5);
        Assert.Equal((1 * 0.75 + 3 * -1.5) / 4, fitness.Estimate, 12);
        Assert.Equal(6, fitness.Count);
        Assert.True(fitness.Low < fitness.Estimate && fitness.Estimate < fitness.High);
        var alone = Fitness.Of([b], seed: 5);
        var direct = BootstrapInterval.OfMean([-2.0, -1.0], CounterRandom.Hash(5, CounterRandom.Hash("b")));
        Assert.Equal(direct, alone);
        Assert.Equal(fitness, Fitness.Of([a, b], seed: 5));
    }

    [Fact]
    public void A_prompt_longer_than_the_context_is_a_located_error_with_the_lengths()
    {
        var items = new[] { new ProxyItem("1", "t", "aaaa", "b", null, null, 1, "t.jsonl:3") };
        // [bos a a a a] = 5 prompt tokens; answer [b, eos] = 2; exact-match limit = 2: the longest row is 7.
        var e = Assert.Throws<ProxySetException>(() => new ProxyScorer(new CharCodec(), items, new ScoringOptions(), null, new ModelContext(6, "config.json max_position_embeddings")));
        Assert.StartsWith("t.jsonl:3: the prompt (5 tokens)", e.Message);
        Assert.Contains("needs 7 positions but the model's context holds 6", e.Message);
        _ = new ProxyScorer(new CharCodec(), items, new ScoringOptions(), null, new ModelContext(7, "x"));
    }

    [Fact]
    public void A_choice_metric_on_a_free_form_item_is_a_located_error()
    {
        var items = new[] { new ProxyItem("1", "t", "a", "b", null, null, 1, "t.jsonl:9") };
        var e = Assert.Throws<ProxySetException>(() => new ProxyScorer(new CharCodec(), items, new ScoringOptions(), _ => new TaskSettings { Metric = TaskMetric.MultipleChoice }));
        Assert.StartsWith("t.jsonl:9:", e.Message);
    }

    [Fact]
    public void Log_likelihood_interval_is_the_bootstrap_of_the_log_likelihoods_whether_or_not_the_scores_equal_them()
    {
        double[] lls = [-0.5, -1.25, -2.0, double.NaN, -0.75];
        var settings = new TaskSettings { Metric = TaskMetric.LogLikelihood };
        var same = TaskScore.Of("t", settings, lls.Select((v, i) => new ItemScore($"{i}", "t", v, v, null)).ToArray(), 7);
        Assert.Equal(BootstrapInterval.OfMean(lls, 7), same.LogLikelihood);
        Assert.Equal(same.Score, same.LogLikelihood);
        double[] finite = [-0.5, -1.25, -2.0, -0.75];
        var other = TaskScore.Of("t", settings, finite.Select((v, i) => new ItemScore($"{i}", "t", v, -v, null)).ToArray(), 7);
        Assert.Equal(-1.125, other.Score.Estimate, 12);
        Assert.Equal(1.125, other.LogLikelihood.Estimate, 12);
        Assert.Equal(BootstrapInterval.OfMean(finite.Select(v => -v).ToArray(), 7), other.LogLikelihood);
    }
}
