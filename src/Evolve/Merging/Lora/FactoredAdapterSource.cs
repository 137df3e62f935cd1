using Evolve.Checkpoints;

namespace Evolve.Merging.Lora;

/// <summary>
/// A base model with a sum of LoRA adapters applied (<c>model+adapter1+adapter2</c>), read like any model: each
/// targeted weight is materialized as W + B·A of the summed <see cref="FactoredAdapter"/> in float32 when read;
/// other tensors pass through.
/// </summary>
internal sealed class FactoredAdapterSource(ITensorSource baseModel, FactoredAdapter adapter) : ITensorSource
{
    public string Location { get; } = $"{baseModel.Location}+{adapter.Location}";

    public IReadOnlyList<TensorInfo> Tensors => baseModel.Tensors;

    public bool TryGetInfo(string name, out TensorInfo info) => baseModel.TryGetInfo(name, out info);

    public ReadOnlySpan<byte> GetBytes(string name) => adapter.Modules.ContainsKey(name)
        ? throw new InvalidOperationException($"{name} is changed by the adapter; read it with ReadFloat32")
        : baseModel.GetBytes(name);

    public void ReadFloat32(string name, Span<float> destination)
    {
        baseModel.ReadFloat32(name, destination);
        if (adapter.Modules.TryGetValue(name, out var module)) module.AddTo(destination, 1.0);
    }

    /// <summary>Every adapter target must exist in the base with the update's shape.</summary>
    public void Validate()
    {
        foreach (var (name, module) in adapter.Modules)
        {
            if (!baseModel.TryGetInfo(name, out var info))
                throw new LoraException(adapter.Location, $"targets {name}, which base model {baseModel.Location} does not have",
                    "Apply the adapter to the model it was trained on");
            if (info.Shape.Length != 2 || info.Shape[0] != module.Rows || info.Shape[1] != module.Columns)
                throw new LoraException(adapter.Location, $"updates {name} as [{module.Rows}, {module.Columns}] but the base has [{string.Join(", ", info.Shape)}]");
        }
    }

    public void Dispose() => baseModel.Dispose();
}
