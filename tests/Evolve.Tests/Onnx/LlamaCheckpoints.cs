using System.Runtime.InteropServices;
using Evolve.Checkpoints;
using Evolve.Onnx;

namespace Evolve.Tests.Onnx;

/// <summary>
/// A Hugging Face layout base checkpoint for the onnxruntime-genai tiny Llama, built from the graph itself (HF names,
/// [out, in] matrices, float32, plus a rotary inv_freq buffer the graph does not hold), and a "fine-tune": the base
/// with a deterministic perturbation of every tensor. Written with the project's safetensors writer.
/// </summary>
public sealed class LlamaCheckpoints : IDisposable
{
    public LlamaCheckpoints()
    {
        var folder = RepoPaths.NewTempDir("llama-hf");
        BasePath = Path.Combine(folder, "base.safetensors");
        FineTunePath = Path.Combine(folder, "finetune.safetensors");
        var graph = OnnxModel.Load(OnnxAssets.Llama);
        var tensors = new List<(string Name, long[] Shape, float[] Values)>();
        foreach (var initializer in graph.Initializers)
        {
            if (initializer.Name is "cos_cache" or "sin_cache") continue;
            var values = graph.ReadFloat32(initializer);
            var shape = initializer.Dims;
            if (initializer.Name.Contains(".MatMul.", StringComparison.Ordinal))
            {
                var transposed = new float[values.Length];
                WeightLayout.Transpose(values, (int)shape[0], (int)shape[1], transposed);
                (values, shape) = (transposed, [shape[1], shape[0]]);
            }
            tensors.Add((HfName(initializer.Name), shape, values));
        }
        tensors.Add(("model.layers.0.self_attn.rotary_emb.inv_freq", [4], [1f, 0.1f, 0.01f, 0.001f]));
        Write(BasePath, tensors);
        using var written = SafetensorsFile.Open(BasePath);
        WritePerturbed(written, FineTunePath);
    }

    public string BasePath { get; }
    public string FineTunePath { get; }

    /// <summary>The HF name of each builder initializer, as transformers' LlamaForCausalLM names it.</summary>
    public static string HfName(string graphName) => graphName switch
    {
        "model.layers.2.final_norm_layernorm.weight" => "model.norm.weight",
        "lm_head.MatMul.weight" => "lm_head.weight",
        _ => graphName.Replace(".attn.", ".self_attn.").Replace(".MatMul.weight", ".weight"),
    };

    /// <summary>A "fine-tune" of <paramref name="source"/>: every float tensor scaled by 1.1 plus a small deterministic ripple, float32.</summary>
    public static void WritePerturbed(ITensorSource source, string path)
    {
        var tensors = new List<(string Name, long[] Shape, float[] Values)>();
        foreach (var info in source.Tensors)
        {
            var values = new float[info.ElementCount];
            source.ReadFloat32(info.Name, values);
            for (var i = 0; i < values.Length; i++)
                values[i] = values[i] * 1.1f + (float)Math.Sin(0.37 * i + info.Name.Length) * 0.02f;
            tensors.Add((info.Name, info.Shape, values));
        }
        Write(path, tensors);
    }

    private static void Write(string path, List<(string Name, long[] Shape, float[] Values)> tensors) =>
        SafetensorsWriter.WriteFile(path, tensors
            .Select(t => TensorToWrite.FromBytes(t.Name, DType.F32, t.Shape, MemoryMarshal.AsBytes(t.Values.AsSpan()).ToArray()))
            .ToArray());

    public void Dispose()
    {
    }
}
