namespace Evolve.Checkpoints;

/// <summary>What a model holds, in totals: tensors, parameters, bytes per dtype, and how many layers its names span.</summary>
public sealed record CheckpointSummary(
    int TensorCount,
    long ParameterCount,
    long ByteCount,
    IReadOnlyDictionary<DType, long> ParametersByDType,
    int LayerCount)
{
    public static CheckpointSummary Of(IReadOnlyList<TensorInfo> tensors)
    {
        var byDType = tensors.GroupBy(t => t.DType).OrderBy(g => g.Key)
            .ToDictionary(g => g.Key, g => g.Sum(t => t.ElementCount));
        var layers = tensors.Select(t => LayerNames.LayerIndex(t.Name)).Where(l => l is not null).Select(l => l!.Value).ToArray();
        return new CheckpointSummary(
            tensors.Count,
            tensors.Sum(t => t.ElementCount),
            tensors.Sum(t => t.ElementCount * t.DType.ByteSize()),
            byDType,
            layers.Length == 0 ? 0 : layers.Max() + 1);
    }
}
