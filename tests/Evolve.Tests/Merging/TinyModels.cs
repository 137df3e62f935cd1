using System.Runtime.InteropServices;
using Evolve.Checkpoints;

namespace Evolve.Tests.Merging;

/// <summary>
/// Small Llama-layout models for planner and executor tests: embed_tokens, per layer q_proj/o_proj (self_attn),
/// up_proj (mlp) and input_layernorm, final norm and lm_head; values a deterministic function of (model, tensor,
/// element), so every expected number can be computed by hand from <see cref="Value"/>.
/// </summary>
internal static class TinyModels
{
    public const int Hidden = 4;

    public static IEnumerable<(string Name, long[] Shape)> Layout(int layers, int vocab = 6)
    {
        yield return ("model.embed_tokens.weight", [vocab, Hidden]);
        for (int l = 0; l < layers; l++)
        {
            yield return ($"model.layers.{l}.self_attn.q_proj.weight", [Hidden, Hidden]);
            yield return ($"model.layers.{l}.self_attn.o_proj.weight", [Hidden, Hidden]);
            yield return ($"model.layers.{l}.mlp.up_proj.weight", [2 * Hidden, Hidden]);
            yield return ($"model.layers.{l}.input_layernorm.weight", [Hidden]);
        }
        yield return ("model.norm.weight", [Hidden]);
        yield return ("lm_head.weight", [vocab, Hidden]);
    }

    /// <summary>Element <paramref name="i"/> of tensor <paramref name="name"/> in model <paramref name="model"/> (exact in bf16).</summary>
    public static float Value(int model, string name, int i)
    {
        var h = (int)(Evolve.Randomness.CounterRandom.Hash(name) % 7);
        return ((model * 3 + h + i * 5) % 17 - 8) / 8f;
    }

    public static float[] Values(int model, string name, long count) =>
        Enumerable.Range(0, (int)count).Select(i => Value(model, name, i)).ToArray();

    /// <summary>Writes model <paramref name="model"/> as a Hugging Face folder (safetensors, config.json, tokenizer.json).</summary>
    public static string Write(string root, string folderName, int model, int layers, DType dtype = DType.BF16, int vocab = 6)
    {
        var folder = Path.Combine(root, folderName);
        Directory.CreateDirectory(folder);
        var tensors = Layout(layers, vocab).Select(t =>
        {
            var values = Values(model, t.Name, t.Shape.Aggregate(1L, (a, b) => a * b));
            var bytes = new byte[values.Length * dtype.ByteSize()];
            FloatConversion.FromSingle(values, dtype, bytes);
            return TensorToWrite.FromBytes(t.Name, dtype, t.Shape, bytes);
        }).ToArray();
        CheckpointWriter.WriteFolder(folder, tensors);
        File.WriteAllText(Path.Combine(folder, "config.json"),
            $$"""{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": {{Hidden}}, "num_hidden_layers": {{layers}}, "vocab_size": {{vocab}}, "torch_dtype": "bfloat16"}""");
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), "{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"m" + model + "\": 0}}}");
        return folder;
    }
}

/// <summary>An in-memory tensor source of float32 values, for planner tests that need no files.</summary>
internal sealed class MemorySource(string location, IReadOnlyDictionary<string, (long[] Shape, float[] Values)> tensors) : ITensorSource
{
    public static MemorySource Tiny(int model, int layers, int vocab = 6) => new($"tiny{model}",
        TinyModels.Layout(layers, vocab).ToDictionary(t => t.Name, t => (t.Shape, TinyModels.Values(model, t.Name, t.Shape.Aggregate(1L, (a, b) => a * b)))));

    public string Location => location;

    public float[] Values(string name) => tensors[name].Values;

    public IReadOnlyList<TensorInfo> Tensors { get; } =
        tensors.Select(t => new TensorInfo(t.Key, DType.F32, t.Value.Shape)).OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();

    public bool TryGetInfo(string name, out TensorInfo info)
    {
        info = Tensors.FirstOrDefault(t => t.Name == name)!;
        return info is not null;
    }

    public ReadOnlySpan<byte> GetBytes(string name) => MemoryMarshal.AsBytes(tensors[name].Values.AsSpan());

    public void ReadFloat32(string name, Span<float> destination) => tensors[name].Values.CopyTo(destination);

    public void Dispose() { }
}
