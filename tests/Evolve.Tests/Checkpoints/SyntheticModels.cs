using System.Runtime.InteropServices;
using Evolve.Checkpoints;

namespace Evolve.Tests.Checkpoints;

/// <summary>Small tensors with deterministic contents, for writer and reader tests.</summary>
internal static class SyntheticModels
{
    public static TensorToWrite Float32(string name, long[] shape, float start)
    {
        var values = Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(i => start + i * 0.25f).ToArray();
        return TensorToWrite.FromBytes(name, DType.F32, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    public static TensorToWrite Float16(string name, long[] shape, float start)
    {
        var values = Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(i => (Half)(start - i * 0.5f)).ToArray();
        return TensorToWrite.FromBytes(name, DType.F16, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    /// <summary>BF16 bit patterns given directly: the values are the upper halves of the float32 list.</summary>
    public static TensorToWrite BFloat16(string name, long[] shape, ushort start)
    {
        var values = Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(i => (ushort)(start + i)).ToArray();
        return TensorToWrite.FromBytes(name, DType.BF16, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    public static TensorToWrite Int64(string name, long[] values) =>
        TensorToWrite.FromBytes(name, DType.I64, [values.Length], MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>A toy Llama-like model: embeddings, two layers, final norm, lm_head, in mixed dtypes.</summary>
    public static IReadOnlyList<TensorToWrite> Mixed() =>
    [
        BFloat16("model.embed_tokens.weight", [8, 4], 0x3F80),
        Float32("model.layers.0.self_attn.q_proj.weight", [4, 4], 1f),
        Float16("model.layers.0.mlp.up_proj.weight", [6, 4], 2f),
        BFloat16("model.layers.1.self_attn.q_proj.weight", [4, 4], 0xBF00),
        Float32("model.layers.1.input_layernorm.weight", [4], -3f),
        Float32("model.norm.weight", [4], 0.5f),
        BFloat16("lm_head.weight", [8, 4], 0x4000),
        Int64("model.position_ids", [0, 1, 2, -5, long.MaxValue]),
    ];
}
