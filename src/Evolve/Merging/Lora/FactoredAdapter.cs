using Evolve.Checkpoints;

namespace Evolve.Merging.Lora;

/// <summary>
/// PEFT LoRA adapters kept in factored form for merging in adapter space: per target weight the update s·B·A
/// (s from <see cref="LoraConfig"/>: alpha/r, alpha/√r with rsLoRA, per-module patterns). <see cref="WeightedSum"/>
/// concatenates factors along the rank, so Σⱼ wⱼ·sⱼ·Bⱼ·Aⱼ is again one B·A and nothing full-size exists until a
/// weight is read. A single adapter applied as is goes through <see cref="Checkpoints.LoraFoldedModel"/>, which also
/// handles fan_in_fan_out layers, embeddings and modules_to_save; adapter-space sums take plain linear LoRA only.
/// </summary>
internal sealed class FactoredAdapter
{
    private const string Prefix = "base_model.model.";

    private FactoredAdapter(string location, IReadOnlyDictionary<string, LoraModule> modules)
    {
        Location = location;
        Modules = modules;
    }

    public string Location { get; }

    /// <summary>Update per target tensor name of the base model (e.g. model.layers.0.self_attn.q_proj.weight).</summary>
    public IReadOnlyDictionary<string, LoraModule> Modules { get; }

    public static FactoredAdapter Load(string folder)
    {
        var configPath = Path.Combine(folder, LoraConfig.FileName);
        var weightsPath = Path.Combine(folder, Checkpoints.LoraFoldedModel.WeightsFileName);
        if (!File.Exists(configPath) || !File.Exists(weightsPath))
            throw new LoraException(folder, $"is not a PEFT LoRA adapter folder (needs {LoraConfig.FileName} and {Checkpoints.LoraFoldedModel.WeightsFileName})",
                "Point model+ADAPTER at the folder PEFT's save_pretrained wrote");
        var config = LoraConfig.Read(configPath);
        if (config.FanInFanOut)
            throw new LoraException(configPath, "fan_in_fan_out adapters cannot be summed in adapter space", "Apply such an adapter alone (model+adapter)");

        using var file = SafetensorsFile.Open(weightsPath);
        var modules = new Dictionary<string, LoraModule>(StringComparer.Ordinal);
        foreach (var t in file.Tensors)
        {
            if (!t.Name.EndsWith(".lora_A.weight", StringComparison.Ordinal))
            {
                if (!t.Name.EndsWith(".lora_B.weight", StringComparison.Ordinal))
                    throw new LoraException(weightsPath, $"tensor {t.Name}: only lora_A/lora_B pairs can be summed in adapter space",
                        "Apply an adapter with embeddings or modules_to_save alone (model+adapter)");
                continue;
            }
            var module = t.Name[..^".lora_A.weight".Length];
            var bName = module + ".lora_B.weight";
            if (!file.TryGetInfo(bName, out var bInfo))
                throw new LoraException(weightsPath, $"{t.Name} has no matching {bName}");
            if (t.Shape.Length != 2 || bInfo.Shape.Length != 2 || bInfo.Shape[1] != t.Shape[0])
                throw new LoraException(weightsPath, $"{module}: lora_A [{string.Join(", ", t.Shape)}] and lora_B [{string.Join(", ", bInfo.Shape)}] do not multiply");
            int rank = (int)t.Shape[0], columns = (int)t.Shape[1], rows = (int)bInfo.Shape[0];
            var a = new float[rank * columns];
            var b = new float[rows * rank];
            file.ReadFloat32(t.Name, a);
            file.ReadFloat32(bName, b);
            var target = module.StartsWith(Prefix, StringComparison.Ordinal) ? module[Prefix.Length..] : module;
            var (_, alpha) = config.For(target);
            modules[target + ".weight"] = new LoraModule(target + ".weight", rows, columns, rank, b, a, config.Scaling(rank, alpha));
        }
        if (modules.Count == 0)
            throw new LoraException(weightsPath, "holds no lora_A/lora_B pairs");
        return new FactoredAdapter(folder, modules);
    }
    /// <summary>Σⱼ wⱼ·(adapter j's update), as one adapter: B = [w₁s₁B₁ | w₂s₂B₂ | …], A = [A₁; A₂; …], scale 1.</summary>
    public static FactoredAdapter WeightedSum(IReadOnlyList<(FactoredAdapter Adapter, double Weight)> adapters)
    {
        if (adapters.Count == 1 && adapters[0].Weight == 1) return adapters[0].Adapter;
        var merged = new Dictionary<string, LoraModule>(StringComparer.Ordinal);
        foreach (var target in adapters.SelectMany(a => a.Adapter.Modules.Keys).Distinct())
        {
            var parts = adapters.Where(a => a.Adapter.Modules.ContainsKey(target)).Select(a => (Module: a.Adapter.Modules[target], a.Weight)).ToArray();
            int rows = parts[0].Module.Rows, columns = parts[0].Module.Columns, rank = parts.Sum(p => p.Module.Rank);
            if (parts.Any(p => p.Module.Rows != rows || p.Module.Columns != columns))
                throw new LoraException(string.Join(", ", adapters.Select(a => a.Adapter.Location)), $"the adapters disagree on the shape of {target}");
            var b = new float[rows * rank];
            var a = new float[rank * columns];
            int offset = 0;
            foreach (var (m, w) in parts)
            {
                for (int o = 0; o < rows; o++)
                    for (int k = 0; k < m.Rank; k++)
                        b[o * rank + offset + k] = (float)(w * m.Scale * m.B[o * m.Rank + k]);
                m.A.CopyTo(a.AsSpan(offset * columns));
                offset += m.Rank;
            }
            merged[target] = new LoraModule(target, rows, columns, rank, b, a, 1.0);
        }
        return new FactoredAdapter(string.Join("+", adapters.Select(a => a.Adapter.Location)), merged);
    }
}
