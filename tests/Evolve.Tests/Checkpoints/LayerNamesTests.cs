using Evolve.Checkpoints;

namespace Evolve.Tests.Checkpoints;

public class LayerNamesTests
{
    [Theory]
    [InlineData("model.layers.0.self_attn.q_proj.weight", 0)]                       // Llama, Mistral, Qwen2
    [InlineData("model.layers.31.mlp.down_proj.weight", 31)]
    [InlineData("transformer.h.11.attn.c_attn.weight", 11)]                         // GPT-2
    [InlineData("transformer.h.3.self_attention.query_key_value.weight", 3)]       // Falcon, BLOOM
    [InlineData("model.decoder.layers.5.self_attn.k_proj.bias", 5)]                 // OPT
    [InlineData("gpt_neox.layers.7.attention.query_key_value.weight", 7)]           // Pythia
    [InlineData("bert.encoder.layer.9.attention.self.query.weight", 9)]             // BERT
    [InlineData("language_model.model.layers.23.input_layernorm.weight", 23)]      // LLaVA
    [InlineData("transformer.blocks.4.ffn.up_proj.weight", 4)]                      // MPT
    [InlineData("encoder.block.2.layer.1.DenseReluDense.wi.weight", 2)]             // T5: block, not sublayer
    [InlineData("model.layers.1.block_sparse_moe.experts.6.w1.weight", 1)]          // Mixtral: layer, not expert
    [InlineData("base_model.model.model.layers.12.self_attn.v_proj.lora_A.weight", 12)] // PEFT LoRA
    [InlineData("transformer.encoder.layers.27.mlp.dense_4h_to_h.weight", 27)]       // ChatGLM
    public void LayerIndexFollowsHuggingFaceNames(string name, int layer) =>
        Assert.Equal(layer, LayerNames.LayerIndex(name));

    [Theory]
    [InlineData("model.embed_tokens.weight")]
    [InlineData("model.norm.weight")]
    [InlineData("lm_head.weight")]
    [InlineData("transformer.wte.weight")]
    [InlineData("transformer.wpe.weight")]
    [InlineData("transformer.ln_f.weight")]
    [InlineData("gpt_neox.embed_in.weight")]
    [InlineData("gpt_neox.final_layer_norm.bias")]
    [InlineData("embed_out.weight")]
    [InlineData("model.decoder.embed_positions.weight")]
    [InlineData("bert.embeddings.word_embeddings.weight")]
    [InlineData("model.layers.x.weight")]
    public void NonLayerTensorsHaveNoLayer(string name) => Assert.Null(LayerNames.LayerIndex(name));
}
