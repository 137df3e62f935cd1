using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Evolve.Proxy.Scoring;

/// <summary>
/// Greedy decoding by recomputation: every step runs the whole prefix of each unfinished row (right-padded, exact
/// under causal attention), and each row stops at its own end of sequence, limit or stop test. Ties in the argmax go
/// to the lowest id.
/// </summary>
internal static class GreedyGenerator
{
    public static int[][] Generate(ICausalLm model, IReadOnlyList<int[]> prompts, int eosId, IReadOnlyList<int> maxNewTokens, int batchSize) =>
        Generate(model, prompts.Select((p, i) => new GenerationRequest(p, maxNewTokens[i])).ToArray(), eosId, batchSize);

    public static int[][] Generate(ICausalLm model, IReadOnlyList<GenerationRequest> requests, int eosId, int batchSize)
    {
        var outputs = new int[requests.Count][];
        foreach (var batch in TokenBatch.Chunks(requests.Count, batchSize))
        {
            var rows = Enumerable.Range(batch.Start, batch.Count).Select(i => new List<int>(requests[i].Prompt)).ToArray();
            var generated = new List<int>[batch.Count];
            for (var r = 0; r < generated.Length; r++)
                generated[r] = [];
            var active = Enumerable.Range(0, batch.Count).Where(r => !requests[batch.Start + r].Done(generated[r])).ToList();
            while (active.Count > 0)
            {
                var length = active.Max(r => rows[r].Count);
                var ids = new long[active.Count * length];
                for (var a = 0; a < active.Count; a++)
                    TokenBatch.Copy(CollectionsMarshal.AsSpan(rows[active[a]]), ids.AsSpan(a * length, length));
                var logits = model.Forward(ids, active.Count, length);
                var stillActive = new List<int>(active.Count);
                for (var a = 0; a < active.Count; a++)
                {
                    var r = active[a];
                    var next = TensorPrimitives.IndexOfMax(logits.At(a, rows[r].Count - 1));
                    if (next == eosId)
                        continue;
                    rows[r].Add(next);
                    generated[r].Add(next);
                    if (!requests[batch.Start + r].Done(generated[r]))
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
