using Evolve.Errors;

namespace Evolve.Export;

/// <summary>A run that cannot be exported as asked: a rank the hall of fame lacks, an input changed since the run, a recipe mergekit would refuse.</summary>
public sealed class ExportException(string location, string problem, string? remedy = null, Exception? inner = null)
    : EvolveInputException(location, problem, remedy, inner);
