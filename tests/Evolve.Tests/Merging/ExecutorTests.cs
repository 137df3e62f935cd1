using Evolve.Checkpoints;
using Evolve.Merging.Execution;
using Evolve.Merging.Planning;
using Evolve.Merging.Recipes;

namespace Evolve.Tests.Merging;

/// <summary>Incremental re-merge, double-buffered weight sets, thread-count determinism, streaming to safetensors.</summary>
public sealed class ExecutorTests
{
    private static string Ties(string layerOneWeight) => $"""
        merge_method: ties
        base_model: base
        models:
          - model: a
            parameters:
              weight: [{"{"}filter: layers.1., value: {layerOneWeight}{"}"}, {"{"}value: 0.5{"}"}]
              density: 0.5
          - model: b
            parameters: {"{"}weight: 0.7, density: 0.75{"}"}
        """;

    private static ModelSet Models() => ModelSet.Borrow(new[] { ("base", 0), ("a", 1), ("b", 2) }
        .Select(m => (new ModelReference(m.Item1), (ITensorSource)MemorySource.Tiny(m.Item2, 4))));

    [Fact]
    public void ChangingOneLayersParameterRecomputesExactlyThatLayer()
    {
        using var models = Models();
        using var weights = new WeightSet();
        var executor = new MergeExecutor(new MergeExecutorOptions { Threads = 2 });
        var first = executor.MergeInto(MergePlanner.Plan(RecipeYaml.Parse(Ties("0.5")), models), weights);
        Assert.Equal(19, first.Computed);
        Assert.Equal(0, first.Reused);

        using var before = weights.Acquire();
        var oldValues = before.Get("model.layers.1.mlp.up_proj.weight").ToArray();
        var oldOther = before.Get("model.layers.2.mlp.up_proj.weight").ToArray();

        var second = executor.MergeInto(MergePlanner.Plan(RecipeYaml.Parse(Ties("0.9")), models), weights);
        Assert.Equal(15, second.Reused);
        Assert.Equal(
            ["model.layers.1.input_layernorm.weight", "model.layers.1.mlp.up_proj.weight", "model.layers.1.self_attn.o_proj.weight", "model.layers.1.self_attn.q_proj.weight"],
            second.ComputedNames.Order(StringComparer.Ordinal));

        // The snapshot taken before still reads the old generation, untouched; a new one sees the change.
        Assert.Equal(oldValues, before.Get("model.layers.1.mlp.up_proj.weight").ToArray());
        using var after = weights.Acquire();
        Assert.NotEqual(oldValues, after.Get("model.layers.1.mlp.up_proj.weight").ToArray());
        Assert.Equal(oldOther, after.Get("model.layers.2.mlp.up_proj.weight").ToArray());
        Assert.Equal(before.Pointer("model.layers.2.mlp.up_proj.weight"), after.Pointer("model.layers.2.mlp.up_proj.weight"));
        Assert.NotEqual(before.Pointer("model.layers.1.mlp.up_proj.weight"), after.Pointer("model.layers.1.mlp.up_proj.weight"));
        Assert.Equal(before.Generation + 1, after.Generation);

        var third = executor.MergeInto(MergePlanner.Plan(RecipeYaml.Parse(Ties("0.9")), models), weights);
        Assert.Equal((0, 19), (third.Computed, third.Reused));
    }

    [Fact]
    public void ABufferIsFreedOnlyWhenNoSnapshotHoldsIt()
    {
        using var models = Models();
        using var weights = new WeightSet();
        var executor = new MergeExecutor();
        executor.MergeInto(MergePlanner.Plan(RecipeYaml.Parse(Ties("0.5")), models), weights);
        weights.TryGetEntry("model.layers.1.mlp.up_proj.weight", out var oldEntry);
        var snapshot = weights.Acquire();
        executor.MergeInto(MergePlanner.Plan(RecipeYaml.Parse(Ties("0.9")), models), weights);
        Assert.False(oldEntry.Buffer.IsReleased);
        snapshot.Dispose();
        Assert.True(oldEntry.Buffer.IsReleased);
        weights.TryGetEntry("model.layers.2.mlp.up_proj.weight", out var kept);
        Assert.False(kept.Buffer.IsReleased);
    }

    [Fact]
    public void RandomMergesAreBitIdenticalWhateverTheThreadCount()
    {
        const string yaml = "merge_method: dare_ties\nbase_model: base\nmodels:\n  - model: a\n    parameters: {weight: 1, density: 0.3}\n  - model: b\n    parameters: {weight: 0.5, density: 0.6}\n";
        using var models = Models();
        float[] Merge(int threads)
        {
            using var weights = new WeightSet();
            new MergeExecutor(new MergeExecutorOptions { Threads = threads }).MergeInto(MergePlanner.Plan(RecipeYaml.Parse(yaml), models, seed: 11), weights);
            using var s = weights.Acquire();
            return s.Tensors.SelectMany(t => s.Get(t.Name).ToArray()).ToArray();
        }
        Assert.Equal(Merge(1), Merge(4));
    }

    [Fact]
    public void StreamedMergeWritesTheSameValuesInTheOutputDType()
    {
        var root = RepoPaths.NewTempDir("merge-stream");
        var names = new[] { ("base", 0), ("a", 1), ("b", 2) };
        foreach (var (n, m) in names) TinyModels.Write(root, n, m, layers: 2, dtype: DType.F16);
        using var models = ModelSet.Open(names.Select(n => new ModelReference(Path.Combine(root, n.Item1))), r => HfModelFolder.Open(r.Path).Weights);
        var yaml = Ties("0.5").Replace("base_model: base", $"base_model: {Path.Combine(root, "base")}")
            .Replace("model: a", $"model: {Path.Combine(root, "a")}").Replace("model: b", $"model: {Path.Combine(root, "b")}") + "\nout_dtype: bfloat16\n";
        var plan = MergePlanner.Plan(RecipeYaml.Parse(yaml), models);
        var executor = new MergeExecutor(new MergeExecutorOptions { Threads = 2 });
        using var weights = new WeightSet();
        executor.MergeInto(plan, weights);
        var output = Path.Combine(root, "out");
        CheckpointWriter.WriteFolder(output, executor.Stream(plan), new CheckpointWriteOptions { MaxShardBytes = 200 });
        Assert.True(File.Exists(Path.Combine(output, ShardIndex.FileName)));
        using var written = HfModelFolder.Open(output);
        using var s = weights.Acquire();
        Assert.Equal(s.Tensors.Select(t => t.Name), written.Weights.Tensors.Select(t => t.Name));
        foreach (var t in written.Weights.Tensors)
        {
            Assert.Equal(DType.BF16, t.DType);
            var back = new float[t.ElementCount];
            written.Weights.ReadFloat32(t.Name, back);
            var bf16 = new byte[back.Length * 2];
            var rounded = new float[back.Length];
            FloatConversion.FromSingle(s.Get(t.Name), DType.BF16, bf16);
            FloatConversion.ToSingle(bf16, DType.BF16, rounded);
            Assert.Equal(rounded, back);
        }
    }

    [Theory]
    [InlineData("linear", "parameters: {weight: 0.25}")]
    [InlineData("task_arithmetic", "parameters: {weight: 0.25, density: 1}")]
    public void ChunkedElementwiseMergesEqualTheWholeTensorKernelBitForBit(string method, string modelParameters)
    {
        const int n = 300 * 301; // larger than one chunk, not a multiple of it
        MemorySource Source(int model) => new($"m{model}", new Dictionary<string, (long[], float[])>
        {
            ["model.norm.weight"] = ([300, 301], Enumerable.Range(0, n).Select(i => TinyModels.Value(model, "x", i) * (1 + i % 3)).ToArray()),
        });
        using var models = ModelSet.Borrow([(new ModelReference("base"), Source(0)), (new ModelReference("a"), Source(1)), (new ModelReference("b"), Source(2))]);
        var yaml = $"merge_method: {method}\nbase_model: base\nmodels:\n  - model: a\n    {modelParameters}\n  - model: b\n    {modelParameters}\n"
            + (method == "linear" ? "  - model: base\n    " + modelParameters + "\n" : "");
        var plan = MergePlanner.Plan(RecipeYaml.Parse(yaml), models);
        using var weights = new WeightSet();
        var stats = new MergeExecutor().MergeInto(plan, weights);
        using var s = weights.Acquire();
        var t = plan.Tensors.Single();
        var inputs = t.Inputs.Select(i => ((MemorySource)models[i.Model]).Values("model.norm.weight")).ToArray();
        var baseValues = t.Base is { } b ? ((MemorySource)models[b.Model]).Values("model.norm.weight") : null;
        var p = t.Parameters.Definitions.Select((d, i) => (d.Name, t.Parameters.ValuesAt(i).ToArray())).ToDictionary(x => x.Name, x => x.Item2);
        var whole = MethodHarness.Run(method, baseValues, inputs, p, shape: [300, 301]);
        Assert.Equal(whole, s.Get("model.norm.weight").ToArray());
        Assert.Equal(3L * n * sizeof(float), stats.BytesRead);
        // A linear combination holds one 4096-element accumulator and two conversion buffers, never whole-tensor copies.
        Assert.Equal(3L * 4096 * sizeof(float), stats.PeakWorkingBytes);
    }

    [Theory]
    [InlineData("ties", "parameters: {weight: 0.7, density: 0.4}")]
    [InlineData("dare_ties", "parameters: {weight: 0.7, density: 0.4}")]
    [InlineData("breadcrumbs_ties", "parameters: {weight: 0.7, density: 0.4, gamma: 0.05}")]
    [InlineData("della", "parameters: {weight: 0.7, density: 0.4, epsilon: 0.1}")]
    public void StreamedPruningMergesEqualTheWholeTensorInputsBitForBit(string method, string modelParameters)
    {
        const int n = 300 * 301; // several streamed chunks, not a multiple of one
        MemorySource Source(int model) => new($"m{model}", new Dictionary<string, (long[], float[])>
        {
            ["model.norm.weight"] = ([300, 301], Enumerable.Range(0, n).Select(i => TinyModels.Value(model, "x", i % 977) * (1 + i % 3)).ToArray()),
        });
        using var models = ModelSet.Borrow([(new ModelReference("base"), Source(0)), (new ModelReference("a"), Source(1)), (new ModelReference("b"), Source(2))]);
        var yaml = $"merge_method: {method}\nbase_model: base\nmodels:\n  - model: a\n    {modelParameters}\n  - model: b\n    {modelParameters}\n";
        var plan = MergePlanner.Plan(RecipeYaml.Parse(yaml), models);
        using var weights = new WeightSet();
        var stats = new MergeExecutor(new MergeExecutorOptions { Threads = 2 }).MergeInto(plan, weights);
        using var s = weights.Acquire();
        var t = plan.Tensors.Single();
        var inputs = t.Inputs.Select(i => ((MemorySource)models[i.Model]).Values("model.norm.weight")).ToArray();
        var baseValues = ((MemorySource)models[t.Base!.Value.Model]).Values("model.norm.weight");
        var p = t.Parameters.Definitions.Select((d, i) => (d.Name, t.Parameters.ValuesAt(i).ToArray())).ToDictionary(x => x.Name, x => x.Item2);
        var whole = MethodHarness.Run(method, baseValues, inputs, p, shape: [300, 301], tensorName: "model.norm.weight");
        Assert.Equal(whole, s.Get("model.norm.weight").ToArray());
        Assert.Contains(whole, v => v != 0);
        Assert.Equal(3L * n * sizeof(float), stats.BytesRead);
    }

    [Theory]
    [InlineData("linear", "parameters: {weight: 0.3}")]
    [InlineData("task_arithmetic", "parameters: {weight: 0.7, density: 1}")]
    [InlineData("ties", "parameters: {weight: 0.7, density: 0.4}")]
    [InlineData("dare_ties", "parameters: {weight: 0.7, density: 0.4}")]
    [InlineData("breadcrumbs_ties", "parameters: {weight: 0.7, density: 0.4, gamma: 0.05}")]
    [InlineData("della", "parameters: {weight: 0.7, density: 0.4, epsilon: 0.1}")]
    // Past TaskVectorPruner.OnePassMinimum: TIES merges in one pass and the writer takes the corrected elements again
    // (the last chunk ends in 16-, 8- and 1-element blocks).
    [InlineData("ties", "parameters: {weight: 0.7, density: 0.4}", 3601)]
    // Past twice TensorMergeContext.ParallelRange: the one-pass TIES splits the tensor into ranges, which the second
    // thread takes once its own tensor is done.
    [InlineData("ties", "parameters: {weight: 0.7, density: 0.4}", 7000)]
    // Outputs past BFloat16Blend's 4 MiB: stored past the caches, from an aligned address reached element by element.
    [InlineData("linear", "parameters: {weight: 0.3}", 7000)]
    [InlineData("task_arithmetic", "parameters: {weight: 0.7, density: 1}", 7000)]
    public void Bf16InputsMergeFromTheirStoredBytesAsTheWholeTensorKernelDoes(string method, string modelParameters, int rows = 300)
    {
        const int columns = 301; // several chunks and blocks, not a multiple of either
        int n = rows * columns;
        // Values of several binades and both signs (some -0), repeated magnitudes as quantized task vectors have.
        float Value(int model, int i) => model == 3 && i % 11 == 0 ? -0f
            : (TinyModels.Value(model, "x", i % 977) + (i % 7 == 0 ? 0 : 0.01f * model)) * (1 + i % 3) * MathF.Pow(2, i % 5 - 2);
        var bf16 = Enumerable.Range(0, 4).Select(m =>
        {
            var bytes = new byte[n * 2];
            FloatConversion.FromSingle(Enumerable.Range(0, n).Select(i => Value(m, i)).ToArray(), DType.BF16, bytes);
            return bytes;
        }).ToArray();
        var values = bf16.Select(b =>
        {
            var f = new float[n];
            FloatConversion.ToSingle(b, DType.BF16, f);
            return f;
        }).ToArray();
        const string name = "model.layers.0.mlp.down_proj.weight";
        using var models = ModelSet.Borrow(Enumerable.Range(0, 4).Select(m =>
            (new ModelReference($"m{m}"), (ITensorSource)new Bf16Source(name, [rows, columns], bf16[m]))));
        var yaml = $"merge_method: {method}\nbase_model: m0\nmodels:\n  - model: m1\n    {modelParameters}\n  - model: m2\n    {modelParameters}\n  - model: m3\n    {modelParameters}\n"
            + (method == "linear" ? "  - model: m0\n    " + modelParameters + "\n" : "");
        var plan = MergePlanner.Plan(RecipeYaml.Parse(yaml), models, seed: 5);
        var t = plan.Tensors.Single();
        var p = t.Parameters.Definitions.Select((d, i) => (d.Name, t.Parameters.ValuesAt(i).ToArray())).ToDictionary(x => x.Name, x => x.Item2);
        var inputs = t.Inputs.Select(i => values[i.Model]).ToArray();
        var whole = MethodHarness.Run(method, t.Base is { } b ? values[b.Model] : null, inputs, p, shape: [rows, columns], seed: 5, tensorName: name);
        Assert.Contains(whole, v => v != 0);

        using var weights = new WeightSet();
        new MergeExecutor(new MergeExecutorOptions { Threads = 2 }).MergeInto(plan, weights);
        using (var s = weights.Acquire())
            Assert.Equal(whole.Select(BitConverter.SingleToInt32Bits), s.Get(name).ToArray().Select(BitConverter.SingleToInt32Bits));

        var expected = new byte[n * 2];
        FloatConversion.FromSingle(whole, DType.BF16, expected);
        var streamed = new MergeExecutor(new MergeExecutorOptions { Threads = 2 }).Stream(plan).Single();
        Assert.Equal(DType.BF16, streamed.Info.DType);
        Assert.Equal(expected, streamed.Bytes().ToArray());
    }

    /// <summary>One BF16 tensor held as its stored bytes.</summary>
    private sealed class Bf16Source(string name, long[] shape, byte[] bytes) : ITensorSource
    {
        public string Location => "bf16";
        public IReadOnlyList<TensorInfo> Tensors { get; } = [new TensorInfo(name, DType.BF16, shape)];
        public bool TryGetInfo(string tensor, out TensorInfo info)
        {
            info = Tensors[0];
            return tensor == name;
        }
        public ReadOnlySpan<byte> GetBytes(string tensor) => bytes;
        public void ReadFloat32(string tensor, Span<float> destination) => FloatConversion.ToSingle(bytes, DType.BF16, destination);
        public void Dispose() { }
    }
}
