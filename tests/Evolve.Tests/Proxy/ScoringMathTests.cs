using Evolve.Proxy;
using Evolve.Proxy.Scoring;

namespace Evolve.Tests.Proxy;

/// <summary>
/// The scoring arithmetic on a bigram model small enough to compute by hand: logits depend only on the last token.
/// Vocabulary: 0 pad, 1 bos, 2 eos, 3 'a', 4 'b'.
/// </summary>
public class ScoringMathTests
{
    internal sealed class BigramLm(float[,] table) : ICausalLm
    {
        public int VocabSize => table.GetLength(1);
        public int Calls { get; private set; }

        public ForwardLogits Forward(ReadOnlySpan<long> ids, int batch, int length)
        {
            Calls++;
            var logits = new float[batch * length * VocabSize];
            for (var p = 0; p < batch * length; p++)
                for (var v = 0; v < VocabSize; v++)
                    logits[p * VocabSize + v] = table[ids[p], v];
            return new ArrayLogits(logits, length, VocabSize);
        }
    }

    internal sealed class CharCodec : ITokenCodec
    {
        public int EosId => 2;
        public int VocabSize => 5;
        public int[] Encode(string text, bool addSpecialTokens) =>
            [.. (addSpecialTokens ? new[] { 1 } : []), .. text.Select(c => c - 'a' + 3)];
        public string Decode(ReadOnlySpan<int> ids) => new(ids.ToArray().Select(i => (char)('a' + i - 3)).ToArray());
    }

    // Row = previous token. After bos: 'a' most likely; after 'a': 'b'; after 'b': eos.
    internal static readonly float[,] Table =
    {
        { 0, 0, 0, 0, 0 },
        { 0, 0, 0, 2, 1 },
        { 0, 0, 0, 0, 0 },
        { 0, 0, 1, 0, 3 },
        { 0, 0, 4, 1, 0 },
    };

    private static ProxyItem Item(string id, string prompt, string answer) => new(id, "t", prompt, answer, null, null, 1, "test");

    [Fact]
    public void Answer_log_likelihood_is_the_mean_over_answer_tokens_and_eos()
    {
        // Prompt "" → ids [bos]; answer "ab" → [a, b, eos]. Hand computation with log-sum-exp per row of Table.
        static double LogP(int row, int token)
        {
            var z = Enumerable.Range(0, 5).Sum(v => Math.Exp(Table[row, v]));
            return Table[row, token] - Math.Log(z);
        }
        var expected = (LogP(1, 3) + LogP(3, 4) + LogP(4, 2)) / 3;
        var item = EncodedItem.Encode(Item("x", "", "ab"), new CharCodec());
        var actual = AnswerLogLikelihood.Sums(new BigramLm(Table), [new ContinuationRow(item.PromptIds, item.AnswerIds)], batchSize: 4);
        Assert.Equal(expected, actual[0] / 3, 1e-6);
    }

    [Fact]
    public void Greedy_generation_follows_the_argmax_and_stops_at_eos_or_the_limit()
    {
        var lm = new BigramLm(Table);
        var outputs = GreedyGenerator.Generate(lm, [[1], [1, 4], [1, 3, 3]], eosId: 2, maxNewTokens: [5, 5, 5], batchSize: 8);
        Assert.Equal(new[] { 3, 4 }, outputs[0]);   // bos → a → b → eos
        Assert.Empty(outputs[1]);                     // b → eos at once
        Assert.Equal(new[] { 4 }, outputs[2]);       // a → b → eos
        var limited = GreedyGenerator.Generate(lm, [[1]], eosId: 2, maxNewTokens: [1], batchSize: 1);
        Assert.Equal(new[] { 3 }, limited[0]);
    }

    [Fact]
    public void Scores_do_not_depend_on_the_batch_size()
    {
        var items = new[] { Item("1", "", "ab"), Item("2", "b", "a"), Item("3", "a", "b"), Item("4", "ab", "") };
        TaskScore Run(int batch) => new ProxyScorer(new CharCodec(), items, new ScoringOptions(BatchSize: batch)).Score(new BigramLm(Table)).Single();
        var one = Run(1);
        var three = Run(3);
        Assert.Equal(one.Items.Select(i => (i.Score, i.LogLikelihood, i.Generated)), three.Items.Select(i => (i.Score, i.LogLikelihood, i.Generated)));
        // Items 1, 3 and 4 are what greedy decoding produces; item 2 ("b" then "a") is not.
        Assert.Equal(new[] { 1.0, 0, 1, 1 }, one.Items.Select(i => i.Score));
        Assert.Equal(0.75, one.Score.Estimate);
    }
}
