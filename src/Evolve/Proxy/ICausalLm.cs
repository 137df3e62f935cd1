namespace Evolve.Proxy;

/// <summary>
/// One forward pass of a causal language model over right-padded token rows. Causal attention makes right padding
/// exact: a position never sees the padding after it, so rows of different lengths share a batch without a mask.
/// </summary>
internal interface ICausalLm
{
    int VocabSize { get; }

    /// <summary>
    /// Logits for every position of <paramref name="ids"/> (row-major [batch, length]), valid until the next call.
    /// </summary>
    ForwardLogits Forward(ReadOnlySpan<long> ids, int batch, int length);
}
