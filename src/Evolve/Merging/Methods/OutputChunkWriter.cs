namespace Evolve.Merging.Methods;

/// <summary>
/// Takes output elements [start, start + values.Length) of a tensor merged chunk by chunk (to store them in the output
/// dtype). Chunks come in index order; a one-pass merge may then write single elements again, which replace the
/// earlier values.
/// </summary>
internal delegate void OutputChunkWriter(int start, ReadOnlySpan<float> values);
