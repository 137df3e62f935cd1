using Evolve.Checkpoints;

namespace Evolve.Tests.Checkpoints;

public class HfModelFolderTests
{
    private readonly string _dir = RepoPaths.NewTempDir("hf-folder");

    private string ShardedFolder(string name)
    {
        var folder = Path.Combine(_dir, name);
        CheckpointWriter.WriteFolder(folder, SyntheticModels.Mixed(), new CheckpointWriteOptions { MaxShardBytes = 120 });
        return folder;
    }

    private static void RewriteIndex(string folder, string from, string to)
    {
        var index = Path.Combine(folder, "model.safetensors.index.json");
        File.WriteAllText(index, File.ReadAllText(index).Replace(from, to));
    }

    [Fact]
    public void ShardMissingFromTheFolderIsRefused()
    {
        var folder = ShardedFolder("missing");
        File.Delete(Path.Combine(folder, "model-00003-of-00004.safetensors"));
        var error = Assert.Throws<CheckpointFormatException>(() => HfModelFolder.Open(folder));
        Assert.Contains("model.safetensors.index.json, tensor model.layers.0.self_attn.q_proj.weight", error.Message);
        Assert.Contains("shard model-00003-of-00004.safetensors named by the index is missing", error.Message);
        Assert.Contains("Download the missing shard", error.Message);
    }

    [Theory]
    [InlineData("../model-00001-of-00004.safetensors")]
    [InlineData("/tmp/model-00001-of-00004.safetensors")]
    [InlineData("sub/../../x.safetensors")]
    public void IndexPathEscapingTheFolderIsRefused(string shard)
    {
        var folder = ShardedFolder("escape");
        RewriteIndex(folder, "\"model-00001-of-00004.safetensors\"", $"\"{shard}\"");
        var error = Assert.Throws<CheckpointFormatException>(() => HfModelFolder.Open(folder));
        Assert.Contains("tensor lm_head.weight", error.Message);
        Assert.Contains($"shard \"{shard}\" is not a plain file name inside the model folder", error.Message);
    }

    [Fact]
    public void IndexPlacingATensorInTheWrongShardIsRefused()
    {
        var folder = ShardedFolder("wrong-shard");
        RewriteIndex(folder, "\"model.norm.weight\": \"model-00004-of-00004.safetensors\"",
            "\"model.norm.weight\": \"model-00001-of-00004.safetensors\"");
        var error = Assert.Throws<CheckpointFormatException>(() => HfModelFolder.Open(folder));
        Assert.Contains("tensor model.norm.weight", error.Message);
        Assert.Contains("places this tensor in model-00001-of-00004.safetensors, which does not hold it", error.Message);
    }

    [Fact]
    public void IndexThatIsNotJsonIsRefused()
    {
        var folder = ShardedFolder("bad-index");
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), "{\"weight_map\": {");
        var error = Assert.Throws<CheckpointFormatException>(() => HfModelFolder.Open(folder));
        Assert.Contains("the index is not valid JSON", error.Message);
    }

    [Fact]
    public void FolderWithOnlyPickleWeightsIsRefusedWithAConversionRecipe()
    {
        var folder = Path.Combine(_dir, "pickle");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "pytorch_model.bin"), [0x80, 0x02]);
        File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
        var error = Assert.Throws<CheckpointFormatException>(() => HfModelFolder.Open(folder));
        Assert.Contains("holds only pickle weights (pytorch_model.bin)", error.Message);
        Assert.Contains("never loads", error.Message);
        Assert.Contains("save_pretrained", error.Remedy);
        Assert.Contains("safe_serialization=True", error.Remedy);
        Assert.Contains("save_file", error.Remedy);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void EmptyFolderIsRefused()
    {
        var folder = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(folder);
        var error = Assert.Throws<CheckpointFormatException>(() => HfModelFolder.Open(folder));
        Assert.Contains("holds no model.safetensors", error.Message);
    }

    [Fact]
    public void FolderExposesConfigAndTokenizerFiles()
    {
        var folder = Path.Combine(_dir, "complete");
        CheckpointWriter.WriteFolder(folder, SyntheticModels.Mixed());
        File.WriteAllText(Path.Combine(folder, "config.json"), "{\"model_type\": \"llama\", \"num_hidden_layers\": 2}");
        foreach (var name in new[] { "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json" })
            File.WriteAllText(Path.Combine(folder, name), "{}");
        File.WriteAllText(Path.Combine(folder, "README.md"), "not a tokenizer file");

        using var model = HfModelFolder.Open(folder);
        Assert.False(model.IsSharded);
        Assert.Equal("llama", model.Config!.ModelType);
        Assert.Equal(2, model.Config.NumHiddenLayers);
        Assert.Equal(["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"],
            model.TokenizerFiles.Select(Path.GetFileName));
        Assert.Equal(8, model.Weights.Tensors.Count);
    }
}
