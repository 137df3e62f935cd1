using Evolve.Onnx;
using Evolve.Proxy;
using Evolve.Proxy.Scoring;
using Evolve.Tests.Onnx;

namespace Evolve.Tests.Proxy;

/// <summary>
/// KV-cache greedy decoding against recomputation on the two third-party exports (random weights, so the two paths
/// of our own code are compared; prompts are id rows below both vocabularies, of different lengths so the cache path
/// left-pads). The tiny GPT-2's tokenizer exceeds its graph's 1000 ids, hence id prompts rather than text.
/// </summary>
public class KvCacheGenerationTests
{
    private static readonly int[][] Prompts = [[1, 450, 499, 173, 29], [1, 150], [1, 31, 991, 13, 7, 7, 300], [5], [1, 2, 3], [9, 99, 999], [1, 450]];

    private static OrtSession Open(string path, int threads) => OrtSession.FromFile(path, OrtSessionSettings.Default with { IntraOpThreads = threads });

    private static GenerationRequest[] Requests(int max) => Prompts.Select(p => new GenerationRequest(p, max)).ToArray();

    [Theory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    public void Cache_and_recomputation_generate_the_same_tokens(string which)
    {
        using var session = Open(which == "llama" ? OnnxAssets.Llama : OnnxAssets.Gpt2, 1);
        using var graph = DecoderGraph.Over(session);
        Assert.NotEmpty(graph.PresentOf);
        // An eos id no greedy step produces on these rows, so every row runs to its limit.
        const int eos = 0;
        var recomputed = GreedyGenerator.Generate(graph, Requests(6), eos, batchSize: 7);
        var cached = KvCacheGenerator.Generate(graph, Requests(6), eos, batchSize: 7);
        var cachedOneByOne = KvCacheGenerator.Generate(graph, Requests(6), eos, batchSize: 1);
        Assert.Equal(recomputed, cached);
        Assert.Equal(recomputed, cachedOneByOne);
        Assert.All(recomputed, r => Assert.Equal(6, r.Length));
    }

    [Fact]
    public void Cache_step_logits_match_the_full_forward_within_fp16_tolerance()
    {
        using var session = Open(OnnxAssets.Llama, 1);
        using var graph = DecoderGraph.Over(session);
        var prompt = Prompts[0];
        var generated = KvCacheGenerator.Generate(graph, [new GenerationRequest(prompt, 3)], 0, 1)[0];
        // Full recomputation of prompt + generated: the argmax at each generating position is the generated token.
        long[] row = [.. prompt.Select(i => (long)i), .. generated.Select(i => (long)i)];
        var logits = graph.Forward(row, 1, row.Length);
        for (var j = 0; j < generated.Length; j++)
            Assert.Equal(generated[j], System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits.At(0, prompt.Length - 1 + j)));
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    public void Log_likelihoods_and_generations_are_identical_for_batch_1_and_7_and_threads_1_and_2(string which)
    {
        var path = which == "llama" ? OnnxAssets.Llama : OnnxAssets.Gpt2;
        var rows = Prompts.Select(p => new ContinuationRow(p[..Math.Max(1, p.Length / 2)], p[Math.Max(1, p.Length / 2)..] is { Length: > 0 } c ? c : [7])).ToArray();
        double[] Run(int threads, int batch)
        {
            using var session = Open(path, threads);
            using var graph = DecoderGraph.Over(session);
            return AnswerLogLikelihood.Sums(graph, rows, batch);
        }
        var reference = Run(1, 1);
        Assert.Equal(reference, Run(1, 7));
        int[][] Generate(int threads, int batch)
        {
            using var session = Open(path, threads);
            using var graph = DecoderGraph.Over(session);
            return KvCacheGenerator.Generate(graph, Requests(5), 0, batch);
        }
        Assert.Equal(Generate(1, 1), Generate(2, 7));
        Assert.Equal(reference, Run(2, 1));
        Assert.Equal(reference, Run(2, 7));
        Assert.All(reference, v => Assert.True(v < 0 && double.IsFinite(v)));
    }
}
