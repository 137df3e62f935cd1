namespace Evolve.Merging.Sparsification;

/// <summary>How a task-arithmetic variant prunes each task vector before merging.</summary>
internal enum SparsificationKind
{
    None,

    /// <summary>Keep the top density·n magnitudes (TIES).</summary>
    Magnitude,

    /// <summary>Keep each element with probability density (DARE).</summary>
    Random,

    /// <summary>Drop the gamma·n largest and the smallest magnitudes, keep density·n (Model Breadcrumbs).</summary>
    MagnitudeOutliers,

    /// <summary>Keep with a probability that grows with the magnitude's rank in its row (DELLA MagPrune).</summary>
    RankSampling,
}
