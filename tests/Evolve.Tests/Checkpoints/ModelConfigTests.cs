using System.Text.Json.Nodes;
using Evolve.Checkpoints;

namespace Evolve.Tests.Checkpoints;

public class ModelConfigTests
{
    // The config.json of meta-llama/Llama-3.2-1B as published on the Hub.
    private const string Llama32 = """
        {
          "architectures": [
            "LlamaForCausalLM"
          ],
          "attention_bias": false,
          "attention_dropout": 0.0,
          "bos_token_id": 128000,
          "eos_token_id": 128001,
          "head_dim": 64,
          "hidden_act": "silu",
          "hidden_size": 2048,
          "initializer_range": 0.02,
          "intermediate_size": 8192,
          "max_position_embeddings": 131072,
          "mlp_bias": false,
          "model_type": "llama",
          "num_attention_heads": 32,
          "num_hidden_layers": 16,
          "num_key_value_heads": 8,
          "pretraining_tp": 1,
          "rms_norm_eps": 1e-05,
          "rope_scaling": {
            "factor": 32.0,
            "high_freq_factor": 4.0,
            "low_freq_factor": 1.0,
            "original_max_position_embeddings": 8192,
            "rope_type": "llama3"
          },
          "rope_theta": 500000.0,
          "tie_word_embeddings": true,
          "torch_dtype": "bfloat16",
          "transformers_version": "4.45.0.dev0",
          "use_cache": true,
          "vocab_size": 128256
        }
        """;

    [Fact]
    public void LlamaConfigFieldsAreRead()
    {
        var config = ModelConfig.Parse(Llama32, "config.json");
        Assert.Equal(["LlamaForCausalLM"], config.Architectures);
        Assert.Equal("llama", config.ModelType);
        Assert.Equal(16, config.NumHiddenLayers);
        Assert.Equal(2048, config.HiddenSize);
        Assert.Equal(8192, config.IntermediateSize);
        Assert.Equal(32, config.NumAttentionHeads);
        Assert.Equal(8, config.NumKeyValueHeads);
        Assert.Equal(128256, config.VocabSize);
        Assert.Equal("bfloat16", config.TorchDtype);
        Assert.True(config.TieWordEmbeddings);
        Assert.Equal(131072, config.MaxPositionEmbeddings);
    }

    [Fact]
    public void ReemittedConfigKeepsEveryOtherFieldAndItsOrder()
    {
        var config = ModelConfig.Parse(Llama32, "config.json").With("torch_dtype", JsonValue.Create("float16"));
        Assert.Equal("float16", config.TorchDtype);
        var text = config.ToJson();
        Assert.EndsWith("}\n", text);
        Assert.Equal(Llama32.Replace("\"bfloat16\"", "\"float16\"") + "\n", text);
    }

    [Fact]
    public void Gpt2NamesStandInForTheUsualOnes()
    {
        var config = ModelConfig.Parse(
            """{"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_layer": 12, "n_embd": 768, "n_head": 12, "n_positions": 1024, "vocab_size": 50257}""",
            "config.json");
        Assert.Equal(12, config.NumHiddenLayers);
        Assert.Equal(768, config.HiddenSize);
        Assert.Equal(12, config.NumAttentionHeads);
        Assert.Equal(1024, config.MaxPositionEmbeddings);
        Assert.Null(config.NumKeyValueHeads);
        Assert.Null(config.TieWordEmbeddings);
    }

    [Fact]
    public void MultimodalConfigReadsItsTextConfig()
    {
        var config = ModelConfig.Parse(
            """{"model_type": "llava", "text_config": {"model_type": "llama", "num_hidden_layers": 32, "hidden_size": 4096}}""",
            "config.json");
        Assert.Equal("llava", config.ModelType);
        Assert.Equal(32, config.NumHiddenLayers);
        Assert.Equal(4096, config.HiddenSize);
    }

    [Fact]
    public void FieldOfTheWrongTypeIsRefused()
    {
        var error = Assert.Throws<CheckpointFormatException>(() =>
            ModelConfig.Parse("""{"num_hidden_layers": "sixteen"}""", "/m/config.json"));
        Assert.Equal("/m/config.json, field num_hidden_layers: is \"sixteen\", expected a non-negative integer. Fix config.json", error.Message);
    }

    [Fact]
    public void ConfigThatIsNotJsonIsRefused()
    {
        var error = Assert.Throws<CheckpointFormatException>(() => ModelConfig.Parse("{\"a\": 1,", "/m/config.json"));
        Assert.StartsWith("/m/config.json: not valid JSON", error.Message);
    }

    [Fact]
    public void WriteLeavesOnlyTheFinalFile()
    {
        var folder = RepoPaths.NewTempDir("config-write");
        var path = Path.Combine(folder, "config.json");
        ModelConfig.Parse(Llama32, "config.json").With("num_hidden_layers", JsonValue.Create(8)).Write(path);
        Assert.Equal(["config.json"], Directory.GetFiles(folder).Select(Path.GetFileName));
        var back = ModelConfig.Read(path);
        Assert.Equal(8, back.NumHiddenLayers);
        Assert.Equal(2048, back.HiddenSize);
    }
}
