using Evolve.Errors;

namespace Evolve.Proxy;

/// <summary>A proxy set that cannot be read: the location is "file:line".</summary>
public sealed class ProxySetException(string location, string problem, string? remedy = null, Exception? inner = null)
    : EvolveInputException(location, problem, remedy, inner);
