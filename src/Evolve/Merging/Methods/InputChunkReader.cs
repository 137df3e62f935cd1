namespace Evolve.Merging.Methods;

/// <summary>Converts elements [start, start + destination.Length) of input <paramref name="input"/> to float32.</summary>
internal delegate void InputChunkReader(int input, int start, Span<float> destination);
