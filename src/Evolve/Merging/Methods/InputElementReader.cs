namespace Evolve.Merging.Methods;

/// <summary>Converts the elements at <paramref name="indices"/> of input <paramref name="input"/> to float32, in that order.</summary>
internal delegate void InputElementReader(int input, ReadOnlySpan<int> indices, Span<float> destination);
