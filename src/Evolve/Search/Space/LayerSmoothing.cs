namespace Evolve.Search.Space;

/// <summary>How a parameter's layer-group genes become per-layer values.</summary>
internal enum LayerSmoothing
{
    /// <summary>Every layer takes its group's gene: a step function over depth (written as one value per layer).</summary>
    Step,

    /// <summary>
    /// The group genes are the anchors of a mergekit gradient, evenly spaced over the layers, and layers between
    /// anchors are interpolated linearly: neighbouring groups cannot differ abruptly, and the recipe carries one
    /// anchor per group.
    /// </summary>
    Linear,
}
