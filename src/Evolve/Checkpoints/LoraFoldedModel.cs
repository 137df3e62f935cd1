using System.Collections.Concurrent;
using System.Numerics.Tensors;

namespace Evolve.Checkpoints;

/// <summary>
/// A base model with a PEFT LoRA adapter folded in, read like any other model: every targeted weight W reads as
/// W + scaling · (B·A) (transposed for fan_in_fan_out layers and embeddings), scaling = alpha / r, or alpha / √r
/// with rsLoRA; tensors the adapter saves whole (modules_to_save, trained biases) replace the base's. This is
/// mergekit's <c>model+adapter</c> reference. Untargeted tensors pass through zero copy.
/// </summary>
public sealed class LoraFoldedModel : ITensorSource
{
    public const string WeightsFileName = "adapter_model.safetensors";
    private const string PeftPrefix = "base_model.model.";

    private readonly ITensorSource _base;
    private readonly SafetensorsFile _adapter;
    private readonly Dictionary<string, LoraPatch> _patches;
    private readonly Dictionary<string, string> _replacements;
    private readonly Dictionary<string, TensorInfo> _infos;
    private readonly ConcurrentDictionary<string, byte[]> _patchedBytes = new(StringComparer.Ordinal);

    private LoraFoldedModel(ITensorSource baseModel, SafetensorsFile adapter, Dictionary<string, LoraPatch> patches,
        Dictionary<string, string> replacements, Dictionary<string, TensorInfo> infos)
    {
        _base = baseModel;
        _adapter = adapter;
        _patches = patches;
        _replacements = replacements;
        _infos = infos;
        Tensors = infos.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
    }

    public string Location => $"{_base.Location}+{Path.GetDirectoryName(_adapter.Location)}";

    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>Names of the base tensors the adapter changes by a low-rank update.</summary>
    public IReadOnlyCollection<string> PatchedTensors => _patches.Keys;

    /// <summary>Folds the adapter in <paramref name="adapterFolder"/> into <paramref name="baseModel"/>; disposing the result disposes both.</summary>
    public static LoraFoldedModel Apply(ITensorSource baseModel, string adapterFolder)
    {
        var folder = Path.GetFullPath(adapterFolder);
        var configPath = Path.Combine(folder, LoraConfig.FileName);
        var weightsPath = Path.Combine(folder, WeightsFileName);
        if (!File.Exists(configPath))
            throw new CheckpointFormatException(folder, $"no {LoraConfig.FileName}: not a PEFT adapter folder",
                "Point at the folder PEFT's save_pretrained wrote (adapter_config.json + adapter_model.safetensors)");
        if (!File.Exists(weightsPath))
            throw new CheckpointFormatException(folder,
                File.Exists(Path.Combine(folder, "adapter_model.bin"))
                    ? "holds only adapter_model.bin, a pickle file, which Evolve never loads"
                    : $"no {WeightsFileName}",
                "Re-save the adapter with PEFT's save_pretrained(safe_serialization=True)");
        var config = LoraConfig.Read(configPath);
        var adapter = SafetensorsFile.Open(weightsPath);
        try
        {
            var (patches, replacements) = Plan(adapter, config, baseModel);
            var infos = baseModel.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
            foreach (var (target, source) in replacements)
                infos[target] = adapter.Tensors.First(t => t.Name == source) with { Name = target };
            return new LoraFoldedModel(baseModel, adapter, patches, replacements, infos);
        }
        catch
        {
            adapter.Dispose();
            throw;
        }
    }

    private static (Dictionary<string, LoraPatch>, Dictionary<string, string>) Plan(SafetensorsFile adapter, LoraConfig config, ITensorSource baseModel)
    {
        var halves = new Dictionary<string, (TensorInfo? A, TensorInfo? B, bool Embedding)>(StringComparer.Ordinal);
        var replacements = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tensor in adapter.Tensors)
        {
            var name = tensor.Name.StartsWith(PeftPrefix, StringComparison.Ordinal) ? tensor.Name[PeftPrefix.Length..] : tensor.Name;
            if (TrySplit(name, ".lora_A.weight", out var module) || TrySplit(name, ".lora_embedding_A", out module))
                halves[module] = halves.GetValueOrDefault(module) with { A = tensor, Embedding = name.EndsWith("_A", StringComparison.Ordinal) };
            else if (TrySplit(name, ".lora_B.weight", out module) || TrySplit(name, ".lora_embedding_B", out module))
                halves[module] = halves.GetValueOrDefault(module) with { B = tensor };
            else if (name.EndsWith(".lora_magnitude_vector", StringComparison.Ordinal) || name.Contains(".lora_magnitude_vector.", StringComparison.Ordinal))
                throw new CheckpointFormatException($"{adapter.Location}, tensor {tensor.Name}",
                    "is a DoRA magnitude vector, which a plain LoRA fold does not reproduce",
                    "Merge it with PEFT's merge_and_unload() and save_pretrained, then use that folder");
            else
                replacements[name] = tensor.Name;
        }

        var patches = new Dictionary<string, LoraPatch>(StringComparer.Ordinal);
        foreach (var (module, (a, b, embedding)) in halves)
        {
            var where = $"{adapter.Location}, module {module}";
            if (a is null || b is null)
                throw new CheckpointFormatException(where, $"has lora_{(a is null ? "B" : "A")} but no lora_{(a is null ? "A" : "B")}",
                    "The adapter file is incomplete; re-save it with PEFT");
            var target = module + ".weight";
            if (!baseModel.TryGetInfo(target, out var baseInfo))
                throw new CheckpointFormatException(where,
                    $"targets {target}, which the base model {baseModel.Location} lacks",
                    "Check that the adapter was trained on this base model (adapter_config.json names it in base_model_name_or_path)");
            if (!baseInfo.DType.IsFloat32Convertible() || !a.DType.IsFloat32Convertible() || !b.DType.IsFloat32Convertible())
                throw new CheckpointFormatException(where, "base weight or adapter matrices are not F32, F16 or BF16",
                    "Only float LoRA adapters on float weights can be folded; quantized ones must be merged with PEFT");
            var (rank, alpha) = config.For(module);
            var transposed = embedding || config.FanInFanOut;
            var expectedShape = transposed ? new[] { a.Shape.ElementAtOrDefault(1), b.Shape.ElementAtOrDefault(0) } : [b.Shape.ElementAtOrDefault(0), a.Shape.ElementAtOrDefault(1)];
            if (a.Shape.Length != 2 || b.Shape.Length != 2 || a.Shape[0] != rank || b.Shape[1] != rank)
                throw new CheckpointFormatException(where,
                    $"lora_A is [{string.Join(", ", a.Shape)}] and lora_B [{string.Join(", ", b.Shape)}], but adapter_config.json gives rank {rank}",
                    "The adapter config does not belong to these weights; re-save the adapter with PEFT");
            if (!baseInfo.Shape.SequenceEqual(expectedShape))
                throw new CheckpointFormatException(where,
                    $"makes an update of shape [{string.Join(", ", expectedShape)}] for {target}, which is [{string.Join(", ", baseInfo.Shape)}] in the base model",
                    "Check that the adapter was trained on this base model" + (config.FanInFanOut ? "" : " (and whether it needs fan_in_fan_out)"));
            patches[target] = new LoraPatch(a.Name, b.Name, (float)config.Scaling(rank, alpha), transposed, rank);
        }
        foreach (var target in replacements.Keys.Where(patches.ContainsKey))
            throw new CheckpointFormatException($"{adapter.Location}, tensor {target}",
                "is saved whole and also patched by a LoRA update", "The adapter file is inconsistent; re-save it with PEFT");
        return (patches, replacements);
    }

    private static bool TrySplit(string name, string suffix, out string module)
    {
        module = name.EndsWith(suffix, StringComparison.Ordinal) ? name[..^suffix.Length] : "";
        return module.Length > 0;
    }

    public bool TryGetInfo(string name, out TensorInfo info) => _infos.TryGetValue(name, out info!);

    public ReadOnlySpan<byte> GetBytes(string name)
    {
        if (_replacements.TryGetValue(name, out var source))
            return _adapter.GetBytes(source);
        if (!_patches.ContainsKey(name))
            return _base.GetBytes(name);
        return _patchedBytes.GetOrAdd(name, n =>
        {
            var info = _infos[n];
            var floats = new float[checked((int)info.ElementCount)];
            ReadFloat32(n, floats);
            var bytes = new byte[floats.Length * info.DType.ByteSize()];
            FloatConversion.FromSingle(floats, info.DType, bytes);
            return bytes;
        });
    }

    public ReadOnlySpan<byte> GetBytes(string name, long offset, int length)
    {
        if (_replacements.TryGetValue(name, out var source))
            return _adapter.GetBytes(source, offset, length);
        return _patches.ContainsKey(name)
            ? GetBytes(name).Slice(checked((int)offset), length)
            : _base.GetBytes(name, offset, length);
    }

    public void ReadFloat32(string name, Span<float> destination)
    {
        if (_replacements.TryGetValue(name, out var source))
        {
            _adapter.ReadFloat32(source, destination);
            return;
        }
        _base.ReadFloat32(name, destination);
        if (_patches.TryGetValue(name, out var patch))
            AddUpdate(patch, destination);
    }

    /// <summary>destination += scaling · (B·A), or its transpose: the product first, then scaled, as PEFT computes it.</summary>
    private void AddUpdate(LoraPatch patch, Span<float> destination)
    {
        var a = Read(patch.A);
        var b = Read(patch.B);
        var r = patch.Rank;
        var columns = a.Length / r;
        var rows = b.Length / r;
        if (!patch.Transposed)
        {
            // W[o, :] += s · Σk B[o, k] · A[k, :]
            var product = new float[columns];
            for (int o = 0; o < rows; o++)
            {
                Array.Clear(product);
                for (int k = 0; k < r; k++)
                    TensorPrimitives.MultiplyAdd(a.AsSpan(k * columns, columns), b[o * r + k], product, product);
                var row = destination.Slice(o * columns, columns);
                TensorPrimitives.MultiplyAdd(product, patch.Scaling, row, row);
            }
        }
        else
        {
            // W[i, :] += s · Σk A[k, i] · Bᵀ[k, :], with Bᵀ laid out so each k is one contiguous row.
            var bt = new float[b.Length];
            for (int o = 0; o < rows; o++)
                for (int k = 0; k < r; k++)
                    bt[k * rows + o] = b[o * r + k];
            var product = new float[rows];
            for (int i = 0; i < columns; i++)
            {
                Array.Clear(product);
                for (int k = 0; k < r; k++)
                    TensorPrimitives.MultiplyAdd(bt.AsSpan(k * rows, rows), a[k * columns + i], product, product);
                var row = destination.Slice(i * rows, rows);
                TensorPrimitives.MultiplyAdd(product, patch.Scaling, row, row);
            }
        }
    }

    private float[] Read(string adapterTensor)
    {
        _adapter.TryGetInfo(adapterTensor, out var info);
        var values = new float[checked((int)info.ElementCount)];
        _adapter.ReadFloat32(adapterTensor, values);
        return values;
    }

    public void Dispose()
    {
        _adapter.Dispose();
        _base.Dispose();
    }

    private sealed record LoraPatch(string A, string B, float Scaling, bool Transposed, int Rank);
}
