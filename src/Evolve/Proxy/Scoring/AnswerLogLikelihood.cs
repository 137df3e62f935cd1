namespace Evolve.Proxy.Scoring;

/// <summary>
/// Teacher-forced log-likelihood: per row, the sum over the continuation's tokens of log p(token | everything before
/// it). Rows are right-padded into batches, exact because attention is causal; one forward pass per batch.
/// </summary>
internal static class AnswerLogLikelihood
{
    public static double[] Sums(ICausalLm model, IReadOnlyList<ContinuationRow> rows, int batchSize)
    {
        var sums = new double[rows.Count];
        foreach (var batch in TokenBatch.Chunks(rows.Count, batchSize))
        {
            var length = 0;
            for (var i = batch.Start; i < batch.End; i++)
                length = Math.Max(length, rows[i].Length);
            var ids = new long[batch.Count * length];
            for (var i = batch.Start; i < batch.End; i++)
            {
                var row = ids.AsSpan((i - batch.Start) * length, length);
                TokenBatch.Copy(rows[i].Prompt, row);
                TokenBatch.Copy(rows[i].Continuation, row[rows[i].Prompt.Length..]);
            }
            var logits = model.Forward(ids, batch.Count, length);
            for (var i = batch.Start; i < batch.End; i++)
            {
                var (prompt, continuation) = rows[i];
                double sum = 0;
                for (var j = 0; j < continuation.Length; j++)
                    sum += LogSoftmax.At(logits.At(i - batch.Start, prompt.Length + j - 1), continuation[j]);
                sums[i] = sum;
            }
        }
        return sums;
    }
}
