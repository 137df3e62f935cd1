namespace Evolve.Onnx;

/// <summary>A graph's logits output as float32, row-major, with its shape (e.g. [batch, sequence, vocab]).</summary>
internal sealed record Logits(float[] Values, long[] Shape);
