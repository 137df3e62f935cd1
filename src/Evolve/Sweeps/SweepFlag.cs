namespace Evolve.Sweeps;

/// <summary>Why a sweep's fitted peak was not taken as t*; the best grid point is chosen instead.</summary>
internal enum SweepFlag
{
    /// <summary>The quadratic opens upward or is a line: it has no maximum.</summary>
    NotConcave,

    /// <summary>The concave fit's vertex lies outside the grid's range: taking it would extrapolate.</summary>
    PeakOutsideGrid,
}
