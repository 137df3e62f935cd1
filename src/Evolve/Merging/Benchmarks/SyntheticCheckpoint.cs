using System.Buffers;
using Evolve.Checkpoints;
using Evolve.Randomness;

namespace Evolve.Merging.Benchmarks;

/// <summary>
/// Llama-7B-shaped decoder layers (hidden 4096, intermediate 11008: q/k/v/o, gate/up/down, two norms) in BF16, for
/// merge benchmarks: model 0 is a base with values of scale 0.02, model m &gt; 0 the base plus a task vector of
/// scale 0.002, all a counter-based function of (model, tensor, element).
/// </summary>
internal static class SyntheticCheckpoint
{
    public static IEnumerable<(string Name, long[] Shape)> Layout(int layers, int hidden = 4096, int intermediate = 11008)
    {
        for (int l = 0; l < layers; l++)
        {
            foreach (var p in new[] { "q_proj", "k_proj", "v_proj", "o_proj" })
                yield return ($"model.layers.{l}.self_attn.{p}.weight", [hidden, hidden]);
            yield return ($"model.layers.{l}.mlp.gate_proj.weight", [intermediate, hidden]);
            yield return ($"model.layers.{l}.mlp.up_proj.weight", [intermediate, hidden]);
            yield return ($"model.layers.{l}.mlp.down_proj.weight", [hidden, intermediate]);
            yield return ($"model.layers.{l}.input_layernorm.weight", [hidden]);
            yield return ($"model.layers.{l}.post_attention_layernorm.weight", [hidden]);
        }
    }

    /// <summary>Writes model <paramref name="model"/> as a one-file BF16 Hugging Face folder; returns its byte size.</summary>
    public static long Write(string folder, int model, int layers, int hidden = 4096, int intermediate = 11008)
    {
        var rented = new List<byte[]>();
        try
        {
            var tensors = Layout(layers, hidden, intermediate).Select(t => new TensorToWrite(new TensorInfo(t.Name, DType.BF16, t.Shape), () =>
            {
                foreach (var r in rented) ArrayPool<byte>.Shared.Return(r);
                rented.Clear();
                long n = t.Shape.Aggregate(1L, (a, b) => a * b);
                var bytes = ArrayPool<byte>.Shared.Rent(checked((int)(n * 2)));
                rented.Add(bytes);
                Fill(bytes, (int)n, model, t.Name);
                return bytes.AsSpan(0, (int)(n * 2));
            })).ToArray();
            var result = CheckpointWriter.WriteFolder(folder, tensors, new CheckpointWriteOptions { MaxShardBytes = null });
            File.WriteAllText(Path.Combine(folder, ModelConfig.FileName),
                $$"""{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": {{hidden}}, "intermediate_size": {{intermediate}}, "num_hidden_layers": {{layers}}, "torch_dtype": "bfloat16"}""");
            return result.TotalSize;
        }
        finally
        {
            foreach (var r in rented) ArrayPool<byte>.Shared.Return(r);
        }
    }

    private static void Fill(byte[] destination, int count, int model, string name)
    {
        ulong baseKey = CounterRandom.Hash(CounterRandom.Hash(name), 0), deltaKey = CounterRandom.Hash(CounterRandom.Hash(name), (ulong)model);
        Parallel.For(0, (count + 65535) / 65536, chunk =>
        {
            var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(destination.AsSpan(0, count * 2));
            int end = Math.Min(count, (chunk + 1) * 65536);
            for (int i = chunk * 65536; i < end; i++)
            {
                float v = Centered(baseKey, i) * 0.02f;
                if (model > 0) v += Centered(deltaKey, i) * 0.002f;
                values[i] = (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16);
            }
        });
    }

    private static float Centered(ulong key, long i) => (CounterRandom.Mix(key ^ (ulong)i) >> 40) * (2f / (1 << 24)) - 1f;
}
