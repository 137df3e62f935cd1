namespace Evolve.Merging.Parameters;

/// <summary>
/// Where a parameter's value lives, as mergekit's ConfigParameterDef distinguishes it: one value per output tensor,
/// or one value per (input model, tensor).
/// </summary>
internal enum ParameterScope
{
    /// <summary>Resolved once per output tensor, against the output tensor's name.</summary>
    Global,

    /// <summary>Resolved per input model and tensor, against that model's input tensor name.</summary>
    PerModel,
}
