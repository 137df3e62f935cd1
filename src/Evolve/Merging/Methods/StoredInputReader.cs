using Evolve.Checkpoints;

namespace Evolve.Merging.Methods;

/// <summary>
/// The stored bytes of input <paramref name="input"/>'s whole tensor and their <paramref name="dtype"/> (a view of a
/// file mapping, as a rule): a streamed merge converts them chunk by chunk, or reads BF16 words straight into
/// registers.
/// </summary>
internal delegate ReadOnlySpan<byte> StoredInputReader(int input, out DType dtype);
