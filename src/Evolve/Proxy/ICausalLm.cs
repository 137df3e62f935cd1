namespace Evolve.Proxy;

/// <summary>
/// One forward pass of a causal language model over right-padded token rows. Causal attention makes right padding
/// exact: a position never sees the padding after it, so rows of different lengths share a batch without a mask.
/// </summary>
internal interface ICausalLm
{
    int VocabSize { get; }

    /// <summary>
    /// Logits for every position: <paramref name="ids"/> is row-major [batch, length]; the result is row-major
    /// [batch, length, VocabSize] and stays valid until the next call.
    /// </summary>
    ReadOnlySpan<float> Forward(ReadOnlySpan<long> ids, int batch, int length);
}
