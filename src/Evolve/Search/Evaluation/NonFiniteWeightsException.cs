namespace Evolve.Search.Evaluation;

/// <summary>A merge produced NaN or ±Inf: the candidate is recorded as failed with the tensor and element named.</summary>
internal sealed class NonFiniteWeightsException(string message) : Exception(message);
