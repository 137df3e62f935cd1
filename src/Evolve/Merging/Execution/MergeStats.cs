namespace Evolve.Merging.Execution;

/// <summary>What one executor run did.</summary>
/// <param name="Computed">Output tensors computed.</param>
/// <param name="Reused">Output tensors kept from the weight set because their key did not change.</param>
/// <param name="BytesRead">Input bytes read (stored dtype).</param>
/// <param name="PeakWorkingBytes">Most bytes of input, output and scratch buffers held at once by the executor.</param>
/// <param name="Elapsed">Wall time.</param>
internal sealed record MergeStats(int Computed, int Reused, long BytesRead, long PeakWorkingBytes, TimeSpan Elapsed, IReadOnlyList<string> ComputedNames);
