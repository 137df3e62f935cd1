using System.Text.Json;
using System.Text.Json.Nodes;
using Evolve.Checkpoints;

namespace Evolve.Merging.Lora;

/// <summary>
/// A PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors): per target weight W the update
/// (lora_alpha/r)·B·A (alpha/√r with use_rslora; rank_pattern/alpha_pattern honoured by module-name suffix).
/// Several adapters combine in adapter space by <see cref="WeightedSum"/>: their factors are concatenated along the
/// rank, so Σⱼ wⱼ·sⱼ·Bⱼ·Aⱼ is again one B·A and nothing full-size exists until a weight is materialized.
/// </summary>
internal sealed class LoraAdapter
{
    public const string ConfigFileName = "adapter_config.json";
    public const string WeightsFileName = "adapter_model.safetensors";
    private const string Prefix = "base_model.model.";

    private LoraAdapter(string location, IReadOnlyDictionary<string, LoraModule> modules)
    {
        Location = location;
        Modules = modules;
    }

    public string Location { get; }

    /// <summary>Update per target tensor name of the base model (e.g. model.layers.0.self_attn.q_proj.weight).</summary>
    public IReadOnlyDictionary<string, LoraModule> Modules { get; }

    public static LoraAdapter Load(string folder)
    {
        var configPath = Path.Combine(folder, ConfigFileName);
        var weightsPath = Path.Combine(folder, WeightsFileName);
        if (!File.Exists(configPath) || !File.Exists(weightsPath))
            throw new LoraException(folder, $"is not a PEFT LoRA adapter folder (needs {ConfigFileName} and {WeightsFileName})",
                "Point model+ADAPTER at the folder PEFT's save_pretrained wrote");
        JsonObject config;
        try
        {
            config = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            throw new LoraException(configPath, $"is not valid JSON ({e.Message})", null, e);
        }
        if (config["peft_type"]?.GetValue<string>() is { } type && type != "LORA")
            throw new LoraException(configPath, $"peft_type {type} is not supported", "Only LoRA adapters can be applied");
        if (config["fan_in_fan_out"]?.GetValue<bool>() == true)
            throw new LoraException(configPath, "fan_in_fan_out adapters (GPT-2 Conv1D layers) are not supported");
        var alpha = config["lora_alpha"]?.GetValue<double>() ?? throw new LoraException(configPath, "lora_alpha is missing");
        var rsLora = config["use_rslora"]?.GetValue<bool>() == true;
        var alphaPattern = (config["alpha_pattern"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value!.GetValue<double>()) ?? [];

        using var file = SafetensorsFile.Open(weightsPath);
        var modules = new Dictionary<string, LoraModule>(StringComparer.Ordinal);
        foreach (var t in file.Tensors)
        {
            if (t.Name.Contains("lora_embedding_", StringComparison.Ordinal) || t.Name.Contains("modules_to_save", StringComparison.Ordinal))
                throw new LoraException(weightsPath, $"tensor {t.Name}: embedding LoRA and modules_to_save are not supported");
            if (!t.Name.EndsWith(".lora_A.weight", StringComparison.Ordinal)) continue;
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
            var target = (module.StartsWith(Prefix, StringComparison.Ordinal) ? module[Prefix.Length..] : module) + ".weight";
            var moduleAlpha = alphaPattern.FirstOrDefault(p => target[..^".weight".Length].EndsWith(p.Key, StringComparison.Ordinal)).Value;
            var effectiveAlpha = moduleAlpha != 0 ? moduleAlpha : alpha;
            var scale = rsLora ? effectiveAlpha / Math.Sqrt(rank) : effectiveAlpha / rank;
            modules[target] = new LoraModule(target, rows, columns, rank, b, a, scale);
        }
        if (modules.Count == 0)
            throw new LoraException(weightsPath, "holds no lora_A/lora_B pairs");
        return new LoraAdapter(folder, modules);
    }

    /// <summary>Σⱼ wⱼ·(adapter j's update), as one adapter: B = [w₁s₁B₁ | w₂s₂B₂ | …], A = [A₁; A₂; …], scale 1.</summary>
    public static LoraAdapter WeightedSum(IReadOnlyList<(LoraAdapter Adapter, double Weight)> adapters)
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
        return new LoraAdapter(string.Join("+", adapters.Select(a => a.Adapter.Location)), merged);
    }
}
