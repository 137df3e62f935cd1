using System.Diagnostics;
using System.Text;
using Evolve.Text.Models;

namespace Evolve.Text;

/// <summary>
/// `evolve bench tokenize`: encodes a seeded synthetic corpus with a BPE tokenizer.json and compares the model's
/// word encoding (merge-rank queue + word cache) with <see cref="NaiveBpe"/> on the same pre-tokenized words, in
/// the same process. Both must give the same ids, which the result reports.
/// </summary>
internal static class TokenizerBenchmark
{
    internal sealed record Result(
        int Characters,
        int Words,
        int Repetitions,
        double LoadSeconds,
        double EncodeSeconds,
        double ModelSeconds,
        double NaiveSeconds,
        int MismatchedWords)
    {
        public double EncodeCharsPerSecond => Characters / EncodeSeconds;

        public double Ratio => NaiveSeconds / ModelSeconds;
    }

    private static readonly string[] Fragments =
    [
        "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "merge", "checkpoint", "evolution",
        "tokenizer", "internationalization", "naïve", "café", "Straße", "it's", "we'll", "don't", "12345",
        "3.14159", "2024", "(", ")", ",", ".", "!", "?", ";", "—", "你好", "世界", "Привет", "مرحبا", "🤖", "👍🏽",
        "def f(x):", "return x", "    ", "\n", "\t", "camelCaseIdentifier", "snake_case_name", "antidisestablishment",
    ];

    public static Result Run(string tokenizerFile, int characters, int repetitions, int seed)
    {
        var corpus = Corpus(characters, seed);
        var medians = new List<(double Load, double Encode, double Model, double Naive)>();
        var words = new List<string>();
        var mismatches = 0;
        for (var r = 0; r <= repetitions; r++)
        {
            var clock = Stopwatch.StartNew();
            var tokenizer = Tokenizer.Load(tokenizerFile);
            var load = clock.Elapsed.TotalSeconds;
            var model = tokenizer.Model as BpeModel ?? throw new TokenizerFormatException(tokenizerFile, "model",
                "the tokenize benchmark needs a BPE model", "Pass a BPE tokenizer.json");
            clock.Restart();
            tokenizer.Encode(corpus);
            var encode = clock.Elapsed.TotalSeconds;

            // A fresh tokenizer, so its word cache starts as empty as the baseline's.
            tokenizer = Tokenizer.Load(tokenizerFile);
            model = (BpeModel)tokenizer.Model;
            words = tokenizer.PreTokenize(corpus);
            var fast = new List<int>();
            clock.Restart();
            foreach (var word in words)
                model.Tokenize(word, fast);
            var modelSeconds = clock.Elapsed.TotalSeconds;

            var naive = new NaiveBpe(model);
            var slow = new List<int>();
            clock.Restart();
            foreach (var word in words)
                naive.Tokenize(word, slow);
            var naiveSeconds = clock.Elapsed.TotalSeconds;

            if (r == 0)
            {
                mismatches = CountMismatchedWords(words, model, naive);
                continue; // warm-up: JIT and page cache
            }
            medians.Add((load, encode, modelSeconds, naiveSeconds));
        }
        return new Result(corpus.Length, words.Count, repetitions,
            Median(medians.Select(m => m.Load)), Median(medians.Select(m => m.Encode)),
            Median(medians.Select(m => m.Model)), Median(medians.Select(m => m.Naive)), mismatches);
    }

    private static int CountMismatchedWords(List<string> words, BpeModel model, NaiveBpe naive)
    {
        var mismatches = 0;
        var a = new List<int>();
        var b = new List<int>();
        foreach (var word in words.Distinct())
        {
            a.Clear();
            b.Clear();
            model.Tokenize(word, a);
            naive.Tokenize(word, b);
            if (!a.SequenceEqual(b))
                mismatches++;
        }
        return mismatches;
    }

    /// <summary>Deterministic text for a seed: fragments joined by spaces, now and then glued or on a new line.</summary>
    internal static string Corpus(int characters, int seed)
    {
        var random = new Random(seed);
        var builder = new StringBuilder(characters + 64);
        while (builder.Length < characters)
        {
            builder.Append(Fragments[random.Next(Fragments.Length)]);
            var glue = random.Next(10);
            builder.Append(glue switch { 0 => "", 1 => "\n", _ => " " });
        }
        return builder.ToString(0, characters);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
