namespace Evolve.Checkpoints;

public enum TensorDifferenceKind
{
    /// <summary>The reference model has the tensor, this one does not.</summary>
    Missing,

    /// <summary>This model has a tensor the reference lacks.</summary>
    Extra,

    /// <summary>Same name, different shape (the dtype may differ too).</summary>
    ShapeDiffers,

    /// <summary>Same name and shape, different storage dtype: mergeable, since merge math runs in float32.</summary>
    DTypeDiffers,
}

/// <param name="Reference">The tensor in the reference model; null when <see cref="TensorDifferenceKind.Extra"/>.</param>
/// <param name="Other">The tensor in the compared model; null when <see cref="TensorDifferenceKind.Missing"/>.</param>
public sealed record TensorDifference(string Name, TensorDifferenceKind Kind, TensorInfo? Reference, TensorInfo? Other);

/// <summary>How one model's tensors differ from the reference model's, in tensor name order.</summary>
public sealed record ModelDifferences(string Label, IReadOnlyList<TensorDifference> Differences)
{
    public bool Matches => Differences.Count == 0;

    public int Count(TensorDifferenceKind kind) => Differences.Count(d => d.Kind == kind);
}

/// <summary>
/// Tensor-by-tensor comparison of several models against the first: what each lacks, adds, or shapes or stores
/// differently. Models sharing a base should match except in dtype; anything else blocks a merge.
/// </summary>
public sealed class ModelComparison
{
    private ModelComparison(string referenceLabel, IReadOnlyList<ModelDifferences> others)
    {
        ReferenceLabel = referenceLabel;
        Others = others;
    }

    public string ReferenceLabel { get; }

    /// <summary>One entry per model after the first, in the order given.</summary>
    public IReadOnlyList<ModelDifferences> Others { get; }

    public bool AllMatch => Others.All(o => o.Matches);

    public static ModelComparison Compare(IReadOnlyList<(string Label, IReadOnlyList<TensorInfo> Tensors)> models)
    {
        if (models.Count == 0)
            throw new ArgumentException("at least one model is needed", nameof(models));
        var reference = models[0].Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var others = models.Skip(1).Select(m => new ModelDifferences(m.Label, Differences(reference, m.Tensors))).ToArray();
        return new ModelComparison(models[0].Label, others);
    }

    private static List<TensorDifference> Differences(Dictionary<string, TensorInfo> reference, IReadOnlyList<TensorInfo> tensors)
    {
        var other = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var differences = new List<TensorDifference>();
        foreach (var name in reference.Keys.Union(other.Keys).Order(NaturalNameComparer.Instance))
        {
            var inReference = reference.GetValueOrDefault(name);
            var inOther = other.GetValueOrDefault(name);
            TensorDifferenceKind? kind = (inReference, inOther) switch
            {
                (not null, null) => TensorDifferenceKind.Missing,
                (null, not null) => TensorDifferenceKind.Extra,
                ({ } r, { } o) when !r.Shape.SequenceEqual(o.Shape) => TensorDifferenceKind.ShapeDiffers,
                ({ } r, { } o) when r.DType != o.DType => TensorDifferenceKind.DTypeDiffers,
                _ => null,
            };
            if (kind is { } k)
                differences.Add(new TensorDifference(name, k, inReference, inOther));
        }
        return differences;
    }
}
