namespace Evolve.Merging.Recipes;

/// <summary>One entry of <c>models:</c>.</summary>
internal sealed record ModelEntry(ModelReference Model, ParameterMap Parameters);

/// <summary>One entry of a slice's <c>sources:</c>; a null range means every layer of the model.</summary>
internal sealed record SliceSource(ModelReference Model, LayerRange? Range, ParameterMap Parameters);

/// <summary>One entry of <c>slices:</c>.</summary>
internal sealed record SliceEntry(ValueList<SliceSource> Sources, ModelReference? BaseModel, ParameterMap Parameters);
