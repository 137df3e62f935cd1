using System.Numerics.Tensors;

namespace Evolve.Proxy.Scoring;

/// <summary>
/// Greedy decoding by recomputation: every step runs the whole prefix of each unfinished row, and each row stops at
/// its own end-of-sequence id or after its own token limit. Ties in the argmax go to the lowest id.
/// </summary>
internal static class GreedyGenerator
{
    public static int[][] Generate(ICausalLm model, IReadOnlyList<int[]> prompts, int eosId, IReadOnlyList<int> maxNewTokens, int batchSize)
    {
        var outputs = new int[prompts.Count][];
        foreach (var batch in TokenBatch.Chunks(prompts.Count, batchSize))
        {
            var rows = Enumerable.Range(batch.Start, batch.Count).Select(i => new List<int>(prompts[i])).ToArray();
            var generated = new List<int>[batch.Count];
            for (var r = 0; r < generated.Length; r++)
                generated[r] = [];
            var active = Enumerable.Range(0, batch.Count).Where(r => maxNewTokens[batch.Start + r] > 0).ToList();
            while (active.Count > 0)
            {
                var length = active.Max(r => rows[r].Count);
                var ids = new long[active.Count * length];
                for (var a = 0; a < active.Count; a++)
                    TokenBatch.Copy(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows[active[a]]), ids.AsSpan(a * length, length));
                var logits = model.Forward(ids, active.Count, length);
                var vocab = model.VocabSize;
                var stillActive = new List<int>(active.Count);
                for (var a = 0; a < active.Count; a++)
                {
                    var r = active[a];
                    var last = rows[r].Count - 1;
                    var next = TensorPrimitives.IndexOfMax(logits.Slice((a * length + last) * vocab, vocab));
                    if (next == eosId)
                        continue;
                    rows[r].Add(next);
                    generated[r].Add(next);
                    if (generated[r].Count < maxNewTokens[batch.Start + r])
                        stillActive.Add(r);
                }
                active = stillActive;
            }
            for (var r = 0; r < batch.Count; r++)
                outputs[batch.Start + r] = [.. generated[r]];
        }
        return outputs;
    }
}
