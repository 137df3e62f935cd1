namespace Evolve.Proxy.Scoring;

/// <summary>
/// Teacher-forced answer log-likelihood: per item, the mean over the answer tokens (end-of-sequence included) of
/// log p(token | everything before it). One forward pass per batch of items.
/// </summary>
internal static class AnswerLogLikelihood
{
    public static double[] Score(ICausalLm model, IReadOnlyList<EncodedItem> items, int batchSize)
    {
        var scores = new double[items.Count];
        var vocab = model.VocabSize;
        foreach (var batch in TokenBatch.Chunks(items.Count, batchSize))
        {
            var length = 0;
            for (var i = batch.Start; i < batch.End; i++)
                length = Math.Max(length, items[i].Length);
            var ids = new long[batch.Count * length];
            for (var i = batch.Start; i < batch.End; i++)
            {
                var row = ids.AsSpan((i - batch.Start) * length, length);
                TokenBatch.Copy(items[i].PromptIds, row);
                TokenBatch.Copy(items[i].AnswerIds, row[items[i].PromptIds.Length..]);
            }
            var logits = model.Forward(ids, batch.Count, length);
            for (var i = batch.Start; i < batch.End; i++)
            {
                var item = items[i];
                var rowLogits = logits.Slice((i - batch.Start) * length * vocab, length * vocab);
                double sum = 0;
                for (var j = 0; j < item.AnswerIds.Length; j++)
                {
                    var predictingPosition = item.PromptIds.Length + j - 1;
                    sum += LogSoftmax.At(rowLogits.Slice(predictingPosition * vocab, vocab), item.AnswerIds[j]);
                }
                scores[i] = sum / item.AnswerIds.Length;
            }
        }
        return scores;
    }
}
