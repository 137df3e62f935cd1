using Evolve.Errors;

namespace Evolve.Proxy.Tasks;

/// <summary>A task declaration that cannot be used: the location is "file:line" or "option --x".</summary>
public sealed class TaskSettingsException(string location, string problem, string? remedy = null, Exception? inner = null)
    : EvolveInputException(location, problem, remedy, inner);
