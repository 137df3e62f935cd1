namespace Evolve.Proxy;

/// <summary>
/// The logits of one forward pass over [batch, length] tokens, read one position at a time: scoring reads only the
/// positions that predict an answer or the next token, so a graph's output is converted (fp16/bf16) or exposed (fp32)
/// position by position instead of copied whole. A span from <see cref="At"/> stays valid until the next call to
/// <see cref="At"/> or the model's next forward pass.
/// </summary>
internal abstract class ForwardLogits
{
    public abstract ReadOnlySpan<float> At(int row, int position);
}

/// <summary>Logits already held as a row-major [batch, length, vocab] float array.</summary>
internal sealed class ArrayLogits(float[] values, int length, int vocab) : ForwardLogits
{
    public override ReadOnlySpan<float> At(int row, int position) => values.AsSpan((row * length + position) * vocab, vocab);
}
