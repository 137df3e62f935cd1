using Evolve.Checkpoints;
using Evolve.Onnx;

namespace Evolve.Tests.Onnx;

public class WeightBindingTests(LlamaCheckpoints checkpoints) : IClassFixture<LlamaCheckpoints>
{
    [Fact]
    public void Binds_every_llama_weight_by_name_or_content_with_the_builders_transposes()
    {
        var graph = OnnxModel.Load(OnnxAssets.Llama);
        using var hf = SafetensorsFile.Open(checkpoints.BasePath);
        var binding = WeightBinding.Create(graph, hf);

        Assert.Equal(21, binding.Mappings.Count);
        Assert.Equal(["model.layers.0.self_attn.rotary_emb.inv_freq"], binding.UnmappedCheckpointTensors);
        Assert.Equal(["cos_cache", "sin_cache"], binding.UnmappedInitializers.Select(i => i.Name));
        Assert.All(binding.Mappings, m => Assert.True(m.ContentVerified, m.ToString()));
        Assert.Empty(binding.SharedInitializers);

        Assert.True(binding.TryGetMapping("model.layers.0.self_attn.q_proj.weight", out var q));
        Assert.Equal("model.layers.0.attn.q_proj.MatMul.weight", q.Initializer.Name);
        Assert.True(q.Transposed); // square: only the values tell the orientation
        Assert.Equal(WeightMatch.ExporterName, q.Match);

        Assert.True(binding.TryGetMapping("model.layers.1.mlp.down_proj.weight", out var down));
        Assert.True(down.Transposed);
        Assert.True(binding.TryGetMapping("model.embed_tokens.weight", out var embed));
        Assert.Equal((WeightMatch.ExactName, false), (embed.Match, embed.Transposed));
        Assert.True(binding.TryGetMapping("lm_head.weight", out var head));
        Assert.Equal(("lm_head.MatMul.weight", true), (head.Initializer.Name, head.Transposed));

        // Five all-ones norms share their values; the one name cannot reach is told apart by elimination.
        Assert.True(binding.TryGetMapping("model.norm.weight", out var norm));
        Assert.Equal(("model.layers.2.final_norm_layernorm.weight", WeightMatch.Content), (norm.Initializer.Name, norm.Match));
        Assert.Equal(21, binding.BoundInitializers.Count);
        Assert.Equal([
            "checkpoint model.layers.0.self_attn.rotary_emb.inv_freq: not in the graph",
            "graph cos_cache: float16[2048,8]: no checkpoint tensor, keeps the graph's values",
            "graph sin_cache: float16[2048,8]: no checkpoint tensor, keeps the graph's values"], binding.Exceptions());
    }

    [Fact]
    public void Converting_the_base_back_gives_the_graphs_own_bytes()
    {
        var graph = OnnxModel.Load(OnnxAssets.Llama);
        using var hf = SafetensorsFile.Open(checkpoints.BasePath);
        var binding = WeightBinding.Create(graph, hf);
        using var weights = binding.Convert(hf);
        foreach (var initializer in binding.BoundInitializers)
            Assert.True(graph.ReadBytes(initializer).Span.SequenceEqual(weights[initializer.Name].Bytes), initializer.Name);
    }

    [Fact]
    public void Binds_gpt2_names_and_the_tied_lm_head_by_content()
    {
        // A GPT-2 style base rebuilt from the graph: HF Conv1D names and layout (no transpose), and lm_head.weight
        // tied to wte as transformers saves it; the export stored the tie as onnx::MatMul_1400 = wte transposed.
        var graph = OnnxModel.Load(OnnxAssets.Gpt2);
        var path = Path.Combine(RepoPaths.NewTempDir("gpt2-hf"), "model.safetensors");
        var tensors = graph.Initializers.Where(i => !i.Name.StartsWith("onnx::"))
            .Select(i => TensorToWrite.FromBytes(i.Name, DType.F32, i.Dims, graph.ReadBytes(i)))
            .Append(TensorToWrite.FromBytes("lm_head.weight", DType.F32, [1000, 32], graph.ReadBytes(graph.GetInitializer("transformer.wte.weight"))))
            .ToArray();
        SafetensorsWriter.WriteFile(path, tensors);
        using var hf = SafetensorsFile.Open(path);
        var binding = WeightBinding.Create(graph, hf);

        Assert.Equal(27, binding.Mappings.Count);
        Assert.Empty(binding.UnmappedCheckpointTensors);
        Assert.Empty(binding.UnmappedInitializers);
        Assert.True(binding.TryGetMapping("lm_head.weight", out var head));
        Assert.Equal(("onnx::MatMul_1400", true, WeightMatch.Content), (head.Initializer.Name, head.Transposed, head.Match));
        Assert.True(binding.TryGetMapping("transformer.h.0.attn.c_attn.weight", out var cAttn));
        Assert.Equal((false, WeightMatch.ExactName), (cAttn.Transposed, cAttn.Match));
    }

    [Fact]
    public void Exporter_key_drops_builder_decorations()
    {
        Assert.Equal("model.layers.0.attn.q_proj.weight", WeightBinding.ExporterKey("model.layers.0.self_attn.q_proj.weight"));
        Assert.Equal("model.layers.0.attn.q_proj.weight", WeightBinding.ExporterKey("model.layers.0.attn.q_proj.MatMul.weight"));
        Assert.Equal("model.layers.0.attn.o_proj.bias", WeightBinding.ExporterKey("model.layers.0.attn.o_proj.Add.bias"));
        Assert.Equal("lm_head.weight", WeightBinding.ExporterKey("lm_head.MatMul.weight"));
    }

    [Fact]
    public void Zero_copy_when_the_graph_already_stores_float32_in_checkpoint_layout()
    {
        var graph = OnnxModel.Load(OnnxAssets.Gpt2);
        var cAttn = graph.GetInitializer("transformer.h.0.attn.c_attn.weight");
        var mapping = new WeightMapping(cAttn.Name, cAttn.Dims, cAttn, false, WeightMatch.ExactName, true);
        using var merged = NativeBuffer.CopyOf<float>(graph.ReadFloat32(cAttn));
        Assert.Same(merged, WeightBinding.ToGraphLayout(mapping, merged, out var copied));
        Assert.False(copied);

        var transposed = mapping with { CheckpointShape = [96, 32], Transposed = true };
        using var back = WeightBinding.ToGraphLayout(transposed, merged, out copied);
        Assert.True(copied);
        Assert.Equal(0, back.Pointer % NativeBuffer.Alignment);
        // element [r=1, c=0] of the [96,32] source lands at [c=0, r=1] of the [32,96] graph layout
        Assert.Equal(merged.AsSpan<float>()[32], back.AsSpan<float>()[1]);
    }

    [Fact]
    public void A_checkpoint_missing_a_bound_tensor_is_a_located_error()
    {
        var graph = OnnxModel.Load(OnnxAssets.Llama);
        using var hf = SafetensorsFile.Open(checkpoints.BasePath);
        var binding = WeightBinding.Create(graph, hf);
        var path = Path.Combine(RepoPaths.NewTempDir("llama-partial"), "partial.safetensors");
        SafetensorsWriter.WriteFile(path, TensorToWrite.From(hf).Where(t => t.Info.Name != "lm_head.weight").ToArray());
        using var partial = SafetensorsFile.Open(path);
        var e = Assert.Throws<WeightBindingException>(() => binding.Convert(partial));
        Assert.Contains("has no tensor 'lm_head.weight', which the graph's 'lm_head.MatMul.weight' needs", e.Message);
    }
}
