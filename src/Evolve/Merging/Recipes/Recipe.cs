namespace Evolve.Merging.Recipes;

/// <summary>
/// A mergekit merge configuration: method, base, per-model and top-level parameters, either <c>models:</c> or
/// <c>slices:</c>, dtypes and tokenizer source. Read and written by <see cref="RecipeYaml"/>; equality is by content.
/// </summary>
internal sealed record Recipe(
    string MergeMethod,
    ModelReference? BaseModel,
    ParameterMap Parameters,
    ValueList<ModelEntry>? Models,
    ValueList<SliceEntry>? Slices,
    string? DType = null,
    string? OutDType = null,
    string? TokenizerSource = null,
    string? ChatTemplate = null)
{
    /// <summary>File and lines of the YAML it was read from (not part of equality).</summary>
    public SourceMap Source { get; init; } = SourceMap.None;

    /// <summary>Every distinct model the recipe names, base first, in order of appearance.</summary>
    public IReadOnlyList<ModelReference> AllModels()
    {
        var list = new List<ModelReference>();
        void Add(ModelReference? m)
        {
            if (m is not null && !list.Contains(m)) list.Add(m);
        }
        Add(BaseModel);
        foreach (var m in Models ?? ValueList<ModelEntry>.Empty) Add(m.Model);
        foreach (var s in Slices ?? ValueList<SliceEntry>.Empty)
        {
            Add(s.BaseModel);
            foreach (var src in s.Sources) Add(src.Model);
        }
        return list;
    }
}
