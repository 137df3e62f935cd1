namespace Evolve.Merging.Methods;

/// <summary>
/// Converts elements [start, start + destination.Length) of input <paramref name="input"/> to float32, minus
/// <paramref name="subtrahend"/> elementwise when it is not empty (a task vector read in the same pass).
/// </summary>
internal delegate void InputChunkReader(int input, int start, Span<float> destination, ReadOnlySpan<float> subtrahend);
