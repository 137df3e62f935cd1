using Evolve.Checkpoints;
using Evolve.Merging.Lora;
using Evolve.Merging.Output;
using Evolve.Merging.Recipes;

namespace Evolve.Tests.Merging;

/// <summary>PEFT adapters standing where a model can (model+adapter), and adapters summed in adapter space.</summary>
public sealed class LoraTests
{
    private const string Target = "model.layers.0.self_attn.q_proj.weight";

    /// <summary>An adapter folder with rank 2 on q_proj of layer 0; A and B from <paramref name="salt"/>.</summary>
    private static (string Folder, float[] B, float[] A) WriteAdapter(string root, string name, int salt, double alpha, string target = "model.layers.0.self_attn.q_proj")
    {
        var folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        var a = Enumerable.Range(0, 2 * 4).Select(i => ((i * 3 + salt) % 5 - 2) / 4f).ToArray();
        var b = Enumerable.Range(0, 4 * 2).Select(i => ((i * 7 + salt) % 5 - 2) / 2f).ToArray();
        byte[] Bytes(float[] v) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()).ToArray();
        SafetensorsWriter.WriteFile(Path.Combine(folder, "adapter_model.safetensors"),
        [
            TensorToWrite.FromBytes($"base_model.model.{target}.lora_A.weight", DType.F32, [2, 4], Bytes(a)),
            TensorToWrite.FromBytes($"base_model.model.{target}.lora_B.weight", DType.F32, [4, 2], Bytes(b)),
        ]);
        File.WriteAllText(Path.Combine(folder, "adapter_config.json"),
            $$"""{"peft_type": "LORA", "r": 2, "lora_alpha": {{alpha}}, "target_modules": ["q_proj"], "fan_in_fan_out": false}""");
        return (folder, b, a);
    }

    /// <summary>W + s·B·A computed the plain way.</summary>
    private static float[] Naive(float[] w, params (float[] B, float[] A, double Scale)[] updates)
    {
        var result = (float[])w.Clone();
        foreach (var (b, a, s) in updates)
            for (int o = 0; o < 4; o++)
                for (int i = 0; i < 4; i++)
                {
                    double sum = 0;
                    for (int k = 0; k < 2; k++) sum += b[o * 2 + k] * a[k * 4 + i];
                    result[o * 4 + i] += (float)(s * sum);
                }
        return result;
    }

    private static float[] MergeAndRead(string root, string model)
    {
        var output = Path.Combine(root, "out-" + Guid.NewGuid().ToString("N"));
        var recipe = RecipeYaml.Parse($"merge_method: linear\nmodels:\n  - model: {model}\n    parameters: {{weight: 1}}\nout_dtype: float32\n");
        MergeToFolder.Run(recipe, root, output, new MergeToFolderOptions { MaxShardBytes = null, Threads = 1 });
        using var merged = HfModelFolder.Open(output);
        var values = new float[16];
        merged.Weights.ReadFloat32(Target, values);
        return values;
    }

    [Fact]
    public void ModelPlusAdapterMaterializesBasePlusScaledLowRankUpdate()
    {
        var root = RepoPaths.NewTempDir("lora");
        TinyModels.Write(root, "base", 0, layers: 1, dtype: DType.F32);
        var (_, b, a) = WriteAdapter(root, "ad1", 1, alpha: 4);
        var expected = Naive(TinyModels.Values(0, Target, 16), (b, a, 2.0));
        Assert.Equal(expected, MergeAndRead(root, "base+ad1"), new ToleranceComparer(1e-6f));
    }

    [Fact]
    public void SeveralAdaptersAreSummedInAdapterSpace()
    {
        var root = RepoPaths.NewTempDir("lora-sum");
        TinyModels.Write(root, "base", 0, layers: 1, dtype: DType.F32);
        var (f1, b1, a1) = WriteAdapter(root, "ad1", 1, alpha: 4);
        var (f2, b2, a2) = WriteAdapter(root, "ad2", 3, alpha: 2);
        var w = TinyModels.Values(0, Target, 16);
        Assert.Equal(Naive(w, (b1, a1, 2.0), (b2, a2, 1.0)), MergeAndRead(root, "base+ad1+ad2"), new ToleranceComparer(1e-6f));

        var weighted = FactoredAdapter.WeightedSum([(FactoredAdapter.Load(f1), 0.3), (FactoredAdapter.Load(f2), 0.7)]);
        Assert.Equal(4, weighted.Modules[Target].Rank);
        var materialized = (float[])w.Clone();
        weighted.Modules[Target].AddTo(materialized, 1.0);
        Assert.Equal(Naive(w, (b1, a1, 0.6), (b2, a2, 0.7)), materialized, new ToleranceComparer(1e-6f));
    }

    [Fact]
    public void AnAdapterForAnotherModelIsABadInput()
    {
        var root = RepoPaths.NewTempDir("lora-bad");
        TinyModels.Write(root, "base", 0, layers: 1, dtype: DType.F32);
        WriteAdapter(root, "ad1", 1, alpha: 4);
        WriteAdapter(root, "ad2", 1, alpha: 4, target: "model.layers.7.self_attn.q_proj");
        var e = Assert.Throws<LoraException>(() => MergeAndRead(root, "base+ad1+ad2"));
        Assert.Contains("targets model.layers.7.self_attn.q_proj.weight, which base model", e.Message);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
