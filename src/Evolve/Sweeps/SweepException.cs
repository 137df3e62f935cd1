using Evolve.Errors;

namespace Evolve.Sweeps;

/// <summary>A sweep that cannot run as asked: a bad grid, a parameter the method lacks, the wrong number of models.</summary>
public sealed class SweepException(string location, string problem, string? remedy = null)
    : EvolveInputException(location, problem, remedy);
