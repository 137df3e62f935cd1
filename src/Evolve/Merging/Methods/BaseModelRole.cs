namespace Evolve.Merging.Methods;

/// <summary>What a method does with the recipe's <c>base_model</c>.</summary>
internal enum BaseModelRole
{
    /// <summary>The base is merged as one more input (linear, karcher, passthrough): no special meaning.</summary>
    Input,

    /// <summary>The method may use a base (task-vector mode of nuslerp and multislerp).</summary>
    Optional,

    /// <summary>The method cannot run without a base (task arithmetic family, slerp …).</summary>
    Required,
}
