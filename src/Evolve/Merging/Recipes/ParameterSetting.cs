namespace Evolve.Merging.Recipes;

/// <summary>
/// A parameter's value as written in a recipe, before it is resolved for a tensor: a scalar, a gradient (list of
/// numbers interpolated across layers), a list of non-numbers (picked by position), or a list of
/// <c>{filter, value}</c> clauses (first match on the tensor name wins).
/// </summary>
internal abstract record ParameterSetting;

internal sealed record NumberSetting(double Value) : ParameterSetting;

internal sealed record BoolSetting(bool Value) : ParameterSetting;

internal sealed record TextSetting(string Value) : ParameterSetting;

/// <summary>Evenly spaced anchors over t ∈ [0, 1], linearly interpolated.</summary>
internal sealed record GradientSetting(ValueList<double> Anchors) : ParameterSetting;

/// <summary>A list of non-numeric settings: element floor(t·(k−1)) applies, without interpolation.</summary>
internal sealed record ChoiceSetting(ValueList<ParameterSetting> Items) : ParameterSetting;

/// <summary>Clauses tried in order; a clause matches when its filter is absent, "*", or a substring of the tensor name.</summary>
internal sealed record FilteredSetting(ValueList<FilterClause> Clauses) : ParameterSetting;

internal sealed record FilterClause(string? Filter, ParameterSetting Value)
{
    public bool Matches(string tensorName) => Filter is null || Filter == "*" || tensorName.Contains(Filter, StringComparison.Ordinal);
}
