using Evolve.Checkpoints;

namespace Evolve.Merging.Methods;

/// <summary>
/// The stored bytes of input <paramref name="input"/>'s whole tensor and their <paramref name="dtype"/>, in memory
/// that stays put while the tensor merges (a file mapping): a streamed merge converts them chunk by chunk, or reads
/// BF16 words straight into registers.
/// </summary>
internal delegate ReadOnlySpan<byte> StoredInputReader(int input, out DType dtype);
