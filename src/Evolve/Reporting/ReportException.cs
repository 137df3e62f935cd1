using Evolve.Errors;

namespace Evolve.Reporting;

/// <summary>A file a report reads beside the run (sweep.json, soup.json) that is not what it claims to be.</summary>
public sealed class ReportException(string location, string problem, string? remedy = null, Exception? inner = null)
    : EvolveInputException(location, problem, remedy, inner);
