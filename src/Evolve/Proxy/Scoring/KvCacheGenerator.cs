using System.Numerics.Tensors;
using Evolve.Onnx;

namespace Evolve.Proxy.Scoring;

/// <summary>
/// Greedy decoding with the graph's KV cache: one prefill pass over the batch's prompts, then one single-token pass
/// per step that feeds the previous step's present key/values back as the past. Prompts of different lengths are
/// left-padded; the attention mask hides the padding and position ids count only real tokens, so every row sees
/// exactly what it would alone — the tokens equal recomputation's (see the tests). A finished row stays in the batch
/// (fed its end-of-sequence id, ignored) until every row is done. Ties in the argmax go to the lowest id.
/// </summary>
internal static class KvCacheGenerator
{
    public static int[][] Generate(IIncrementalLm model, IReadOnlyList<GenerationRequest> requests, int eosId, int batchSize)
    {
        var outputs = new int[requests.Count][];
        foreach (var batch in TokenBatch.Chunks(requests.Count, batchSize))
        {
            var rows = Enumerable.Range(batch.Start, batch.Count).Select(i => requests[i]).ToArray();
            var generated = GenerateBatch(model, rows, eosId);
            for (var r = 0; r < rows.Length; r++)
                outputs[batch.Start + r] = generated[r];
        }
        return outputs;
    }

    private static int[][] GenerateBatch(IIncrementalLm model, GenerationRequest[] rows, int eosId)
    {
        var generated = rows.Select(_ => new List<int>()).ToArray();
        var active = rows.Select((r, i) => !r.Done(generated[i])).ToArray();
        if (!active.Any(a => a))
            return generated.Select(g => g.ToArray()).ToArray();

        var batch = rows.Length;
        var width = rows.Max(r => r.Prompt.Length);
        var pastNames = model.PresentOf.Keys.ToArray();
        var outputNames = new[] { model.LogitsOutput }.Concat(pastNames.Select(p => model.PresentOf[p])).ToArray();
        var inputNames = new List<string>();
        var step = new List<NamedTensor>();
        OrtTensor[] past = [];
        try
        {
            // Prefill: prompts left-padded to `width`.
            var padding = rows.Select(r => width - r.Prompt.Length).ToArray();
            foreach (var input in model.Inputs.Where(i => !DecoderInputs.IsPast(i.Name)))
            {
                inputNames.Add(input.Name);
                step.Add(input.Name switch
                {
                    "input_ids" => DecoderInputs.Integers(input, [batch, width], (b, s) => s < padding[b] ? eosId : rows[b].Prompt[s - padding[b]]),
                    "attention_mask" => DecoderInputs.Integers(input, [batch, width], (b, s) => s < padding[b] ? 0 : 1),
                    "position_ids" => DecoderInputs.Integers(input, [batch, width], (b, s) => Math.Max(0, s - padding[b])),
                    _ => throw new ArgumentException($"the graph input '{input}' is not one a decoder feed knows how to fill"),
                });
            }
            var values = step.Select(t => OrtTensor.Over(t.Buffer, t.ElementType, t.Shape)).ToList();
            var empty = model.Inputs.Where(i => DecoderInputs.IsPast(i.Name)).Select(i => DecoderInputs.EmptyPast(i, batch)).ToArray();
            step.AddRange(empty);
            values.AddRange(empty.Select(t => OrtTensor.Over(t.Buffer, t.ElementType, t.Shape)));
            var next = Run(model, [.. inputNames, .. empty.Select(e => e.Name)], values, outputNames, width, ref past);
            var total = width;
            while (true)
            {
                var last = new int[batch];
                for (var b = 0; b < batch; b++)
                {
                    last[b] = eosId;
                    if (!active[b])
                        continue;
                    var token = next[b];
                    if (token == eosId)
                    {
                        active[b] = false;
                        continue;
                    }
                    generated[b].Add(token);
                    last[b] = token;
                    active[b] = !rows[b].Done(generated[b]);
                }
                if (!active.Any(a => a))
                    break;
                foreach (var t in step) t.Dispose();
                step.Clear();
                total++;
                foreach (var input in model.Inputs.Where(i => !DecoderInputs.IsPast(i.Name)))
                    step.Add(input.Name switch
                    {
                        "input_ids" => DecoderInputs.Integers(input, [batch, 1], (b, _) => last[b]),
                        "attention_mask" => DecoderInputs.Integers(input, [batch, total], (b, s) => s < padding[b] ? 0 : 1),
                        _ => DecoderInputs.Integers(input, [batch, 1], (b, _) => total - 1 - padding[b]),
                    });
                var stepValues = step.Select(t => OrtTensor.Over(t.Buffer, t.ElementType, t.Shape)).ToList();
                stepValues.AddRange(past);
                next = Run(model, [.. inputNames, .. pastNames], stepValues, outputNames, 1, ref past);
            }
        }
        finally
        {
            foreach (var t in step) t.Dispose();
            foreach (var p in past) p.Dispose();
        }
        return generated.Select(g => g.ToArray()).ToArray();
    }

    /// <summary>
    /// Runs one step; returns each row's greedy next token (argmax at its last position) and replaces <paramref name="past"/> with the presents.
    /// Every value fed is disposed here, the old past included.
    /// </summary>
    private static int[] Run(IIncrementalLm model, string[] names, List<OrtTensor> values, string[] outputNames, int length, ref OrtTensor[] past)
    {
        OrtTensor[] outputs;
        try
        {
            outputs = model.Run(names, values, outputNames);
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
        past = outputs[1..];
        using var logits = new OrtLogits(outputs[0], model.VocabSize);
        var batch = (int)outputs[0].Shape[0];
        var next = new int[batch];
        for (var b = 0; b < batch; b++)
            next[b] = TensorPrimitives.IndexOfMax(logits.At(b, length - 1));
        return next;
    }

    private static string LogitsName(IIncrementalLm model) => "logits";
}
