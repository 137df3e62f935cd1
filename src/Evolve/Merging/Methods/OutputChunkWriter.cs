namespace Evolve.Merging.Methods;

/// <summary>Takes output elements [start, start + values.Length) of a tensor merged chunk by chunk (to store them in the output dtype).</summary>
internal delegate void OutputChunkWriter(int start, ReadOnlySpan<float> values);
