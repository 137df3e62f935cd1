using System.Runtime.InteropServices;
using Evolve.Checkpoints;

namespace Evolve.Tests.Checkpoints;

public class LoraFoldedModelTests
{
    private readonly string _dir = RepoPaths.NewTempDir("lora");

    private static TensorToWrite F32(string name, long[] shape, params float[] values) =>
        TensorToWrite.FromBytes(name, DType.F32, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    private static TensorToWrite BF16(string name, long[] shape, params float[] values)
    {
        var bits = new ushort[values.Length];
        FloatConversion.SingleToBFloat16(values, bits);
        return TensorToWrite.FromBytes(name, DType.BF16, shape, MemoryMarshal.AsBytes(bits.AsSpan()).ToArray());
    }

    private string Base(params TensorToWrite[] tensors)
    {
        var folder = Path.Combine(_dir, "base-" + Guid.NewGuid().ToString("N"));
        CheckpointWriter.WriteFolder(folder, tensors.Length > 0 ? tensors :
        [
            F32("model.layers.0.self_attn.q_proj.weight", [2, 3], 1, 2, 3, 4, 5, 6),
            BF16("model.embed_tokens.weight", [3, 2], 1, 0, 0, 1, 1, 1),
            F32("lm_head.weight", [3, 2], 1, 1, 1, 1, 1, 1),
            F32("model.norm.weight", [2], 0.5f, 0.25f),
        ]);
        return folder;
    }

    private string Adapter(string config, params TensorToWrite[] tensors)
    {
        var folder = Path.Combine(_dir, "adapter-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "adapter_config.json"), config);
        SafetensorsWriter.WriteFile(Path.Combine(folder, "adapter_model.safetensors"), tensors);
        return folder;
    }

    private static float[] Read(ITensorSource source, string name)
    {
        Assert.True(source.TryGetInfo(name, out var info));
        var values = new float[info.ElementCount];
        source.ReadFloat32(name, values);
        return values;
    }

    private const string R1Alpha2 = """{"peft_type": "LORA", "r": 1, "lora_alpha": 2, "target_modules": ["q_proj", "embed_tokens"], "modules_to_save": ["lm_head"]}""";

    private string StandardAdapter() => Adapter(R1Alpha2,
        F32("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", [1, 3], 1, 0, -1),
        F32("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", [2, 1], 2, 3),
        F32("base_model.model.model.embed_tokens.lora_embedding_A", [1, 3], 1, 2, 3),
        F32("base_model.model.model.embed_tokens.lora_embedding_B", [2, 1], 1, -1),
        F32("base_model.model.lm_head.weight", [3, 2], 9, 9, 9, 9, 9, 9));

    [Fact]
    public void LinearUpdateIsScalingTimesBA()
    {
        // scaling = 2/1; B·A = [[2,0,-2],[3,0,-3]]; W + 2·B·A = [[1+4, 2, 3-4], [4+6, 5, 6-6]].
        using var model = LoraFoldedModel.Apply(HfModelFolder.Open(Base()).Weights, StandardAdapter());
        Assert.Equal([5f, 2f, -1f, 10f, 5f, 0f], Read(model, "model.layers.0.self_attn.q_proj.weight"));
    }

    [Fact]
    public void EmbeddingUpdateIsTheTransposedProductAndKeepsTheBaseDtype()
    {
        // (B·A)ᵀ = [[1,-1],[2,-2],[3,-3]], times 2, plus [[1,0],[0,1],[1,1]] = [[3,-2],[4,-3],[7,-5]].
        using var model = LoraFoldedModel.Apply(HfModelFolder.Open(Base()).Weights, StandardAdapter());
        Assert.Equal([3f, -2f, 4f, -3f, 7f, -5f], Read(model, "model.embed_tokens.weight"));
        Assert.True(model.TryGetInfo("model.embed_tokens.weight", out var info));
        Assert.Equal(DType.BF16, info.DType);
        // 3 = 0x4040, -2 = 0xC000 in BF16.
        Assert.Equal([0x4040, 0xC000], MemoryMarshal.Cast<byte, ushort>(model.GetBytes("model.embed_tokens.weight"))[..2].ToArray());
    }

    [Fact]
    public void SavedModulesReplaceTheBaseAndTheRestPassesThrough()
    {
        var basePath = Base();
        using var model = LoraFoldedModel.Apply(HfModelFolder.Open(basePath).Weights, StandardAdapter());
        Assert.Equal(Enumerable.Repeat(9f, 6), Read(model, "lm_head.weight"));
        Assert.Equal([0.5f, 0.25f], Read(model, "model.norm.weight"));
        Assert.Equal(["model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight"], model.PatchedTensors.Order(StringComparer.Ordinal));
        Assert.Equal(4, model.Tensors.Count);

        // Written out, the folded model reads back with the same values.
        var merged = Path.Combine(_dir, "merged");
        CheckpointWriter.WriteFolder(merged, model);
        using var back = HfModelFolder.Open(merged);
        Assert.Equal([5f, 2f, -1f, 10f, 5f, 0f], Read(back.Weights, "model.layers.0.self_attn.q_proj.weight"));
        Assert.Equal([3f, -2f, 4f, -3f, 7f, -5f], Read(back.Weights, "model.embed_tokens.weight"));
    }

    [Theory]
    [InlineData(false, 1f)] // alpha / r = 4 / 4
    [InlineData(true, 2f)]  // rsLoRA: alpha / √r = 4 / 2
    public void RsLoraScalesByTheSquareRootOfTheRank(bool rsLora, float scaling)
    {
        var basePath = Base(F32("model.layers.0.mlp.up_proj.weight", [2, 3], 0, 0, 0, 0, 0, 0));
        var adapter = Adapter($$"""{"peft_type": "LORA", "r": 4, "lora_alpha": 4, "use_rslora": {{(rsLora ? "true" : "false")}}}""",
            F32("base_model.model.model.layers.0.mlp.up_proj.lora_A.weight", [4, 3], 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1),
            F32("base_model.model.model.layers.0.mlp.up_proj.lora_B.weight", [2, 4], 1, 0, 0, 0, 0, 0, 0, 1));
        using var model = LoraFoldedModel.Apply(HfModelFolder.Open(basePath).Weights, adapter);
        // B·A = [[1,0,0],[1,1,1]].
        Assert.Equal(new[] { 1f, 0, 0, 1, 1, 1 }.Select(v => v * scaling), Read(model, "model.layers.0.mlp.up_proj.weight"));
    }

    [Fact]
    public void AlphaPatternOverridesAlphaForMatchingModules()
    {
        var basePath = Base(
            F32("model.layers.0.self_attn.q_proj.weight", [1, 1], 0),
            F32("model.layers.0.self_attn.v_proj.weight", [1, 1], 0));
        var adapter = Adapter("""{"peft_type": "LORA", "r": 1, "lora_alpha": 1, "alpha_pattern": {"v_proj": 8}}""",
            F32("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", [1, 1], 1),
            F32("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", [1, 1], 1),
            F32("base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight", [1, 1], 1),
            F32("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight", [1, 1], 1));
        using var model = LoraFoldedModel.Apply(HfModelFolder.Open(basePath).Weights, adapter);
        Assert.Equal([1f], Read(model, "model.layers.0.self_attn.q_proj.weight"));
        Assert.Equal([8f], Read(model, "model.layers.0.self_attn.v_proj.weight"));
    }

    [Fact]
    public void FanInFanOutLayersTakeTheTransposedUpdate()
    {
        // GPT-2 Conv1D stores c_attn as [in, out]: the update is (B·A)ᵀ = [[1,10],[2,20],[3,30]].
        var basePath = Base(F32("transformer.h.0.attn.c_attn.weight", [3, 2], 0, 0, 0, 0, 0, 0));
        var adapter = Adapter("""{"peft_type": "LORA", "r": 1, "lora_alpha": 1, "fan_in_fan_out": true}""",
            F32("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight", [1, 3], 1, 2, 3),
            F32("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight", [2, 1], 1, 10));
        using var model = LoraFoldedModel.Apply(HfModelFolder.Open(basePath).Weights, adapter);
        Assert.Equal([1f, 10f, 2f, 20f, 3f, 30f], Read(model, "transformer.h.0.attn.c_attn.weight"));
    }

    private CheckpointFormatException ApplyFails(string adapterFolder)
    {
        var baseModel = HfModelFolder.Open(Base()).Weights;
        try
        {
            return Assert.Throws<CheckpointFormatException>(() => LoraFoldedModel.Apply(baseModel, adapterFolder));
        }
        finally
        {
            baseModel.Dispose();
        }
    }

    [Fact]
    public void FolderWithoutAdapterConfigIsRefused()
    {
        var folder = Path.Combine(_dir, "no-config");
        Directory.CreateDirectory(folder);
        Assert.Contains("no adapter_config.json: not a PEFT adapter folder", ApplyFails(folder).Message);
    }

    [Fact]
    public void PickleAdapterIsRefused()
    {
        var folder = Path.Combine(_dir, "pickle");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "adapter_config.json"), R1Alpha2);
        File.WriteAllBytes(Path.Combine(folder, "adapter_model.bin"), [0x80]);
        var error = ApplyFails(folder);
        Assert.Contains("holds only adapter_model.bin, a pickle file", error.Message);
        Assert.Contains("safe_serialization=True", error.Message);
    }

    [Fact]
    public void NonLoraAdapterIsRefused() =>
        Assert.Contains("peft_type: is \"IA3\"; only LoRA adapters", ApplyFails(Adapter("""{"peft_type": "IA3"}""")).Message);

    [Fact]
    public void DoraAdapterIsRefused() =>
        Assert.Contains("field use_dora: DoRA adapters", ApplyFails(Adapter("""{"peft_type": "LORA", "use_dora": true}""")).Message);

    [Fact]
    public void HalfAPairIsRefused()
    {
        var error = ApplyFails(Adapter(R1Alpha2, F32("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", [1, 3], 1, 0, -1)));
        Assert.Contains("module model.layers.0.self_attn.q_proj: has lora_A but no lora_B", error.Message);
    }

    [Fact]
    public void TargetMissingFromTheBaseIsRefused()
    {
        var error = ApplyFails(Adapter(R1Alpha2,
            F32("base_model.model.model.layers.7.self_attn.q_proj.lora_A.weight", [1, 3], 1, 0, -1),
            F32("base_model.model.model.layers.7.self_attn.q_proj.lora_B.weight", [2, 1], 2, 3)));
        Assert.Contains("targets model.layers.7.self_attn.q_proj.weight, which the base model", error.Message);
        Assert.Contains("base_model_name_or_path", error.Message);
    }

    [Fact]
    public void UpdateOfTheWrongShapeIsRefused()
    {
        var error = ApplyFails(Adapter(R1Alpha2,
            F32("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", [1, 4], 1, 0, -1, 0),
            F32("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", [2, 1], 2, 3)));
        Assert.Contains("makes an update of shape [2, 4] for model.layers.0.self_attn.q_proj.weight, which is [2, 3] in the base model", error.Message);
    }

    [Fact]
    public void RankDisagreeingWithTheConfigIsRefused()
    {
        var error = ApplyFails(Adapter("""{"peft_type": "LORA", "r": 2, "lora_alpha": 2}""",
            F32("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", [1, 3], 1, 0, -1),
            F32("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", [2, 1], 2, 3)));
        Assert.Contains("lora_A is [1, 3] and lora_B [2, 1], but adapter_config.json gives rank 2", error.Message);
    }

    [Fact]
    public void MalformedRankPatternIsRefused() =>
        Assert.Contains("field rank_pattern: key \"q_proj(\" is not a valid pattern",
            ApplyFails(Adapter("""{"peft_type": "LORA", "rank_pattern": {"q_proj(": 4}}""")).Message);
}
