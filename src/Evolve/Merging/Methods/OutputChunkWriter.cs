namespace Evolve.Merging.Methods;

/// <summary>
/// Takes output elements [start, start + values.Length) of a tensor merged chunk by chunk (to store them in the output
/// dtype). Chunks come in any order, and from several threads at once when the method splits the tensor
/// (<see cref="TensorMergeContext.Workers"/>), but never overlap; a one-pass merge may then write single elements
/// again, from one thread, which replace the earlier values.
/// </summary>
internal delegate void OutputChunkWriter(int start, ReadOnlySpan<float> values);
