using Evolve.Errors;

namespace Evolve.Search.Store;

/// <summary>A run database that cannot be used: missing, not a run store, or written by another schema version.</summary>
public sealed class RunStoreException(string location, string problem, string? remedy = null, Exception? inner = null)
    : EvolveInputException(location, problem, remedy, inner);
