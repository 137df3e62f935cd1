using System.Security.Cryptography;
using Evolve.Search.Space;
using Evolve.Search.Store;

namespace Evolve.Tests.Reporting;

public sealed class RunInputsTests
{
    [Fact]
    public void A_zoo_search_fingerprints_every_model_file_the_graph_and_both_proxy_splits()
    {
        var space = SearchSpace.Load(Path.Combine(RepoPaths.Root, "search-spaces", "zoo.yaml"));
        var inputs = RunInputs.Of(space);
        var expectedModels = new[] { "base", "nines", "enc", "spell" }
            .SelectMany(m => new[] { "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json" }.Select(f => Path.Combine(RepoPaths.Zoo, m, f)));
        Assert.Equal(expectedModels, inputs.Where(i => i.Role == RunInputs.ModelRole).Select(i => i.Path));
        Assert.Equal([Path.Combine(RepoPaths.Zoo, "onnx", "base.onnx")], inputs.Where(i => i.Role == RunInputs.OnnxRole).Select(i => i.Path));
        Assert.Equal(4, inputs.Count(i => i.Role == RunInputs.ProxyRole));
        Assert.Equal(4, inputs.Count(i => i.Role == RunInputs.HeldOutRole));
        Assert.All(inputs.Where(i => i.Role == RunInputs.HeldOutRole), i => Assert.Contains($"{Path.DirectorySeparatorChar}heldout{Path.DirectorySeparatorChar}", i.Path));
        foreach (var input in inputs)
        {
            var bytes = File.ReadAllBytes(input.Path);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), input.Sha256);
            Assert.Equal(bytes.Length, input.Bytes);
        }

        var folder = RepoPaths.NewTempDir("run-inputs");
        RunInputs.Write(folder, inputs);
        Assert.Equal(inputs, RunInputs.Read(folder));
        Assert.Null(RunInputs.Read(RepoPaths.NewTempDir("run-inputs-none")));
    }

    [Fact]
    public void A_damaged_input_list_is_a_located_error()
    {
        var folder = RepoPaths.NewTempDir("run-inputs-bad");
        File.WriteAllText(Path.Combine(folder, "inputs.json"), "[\n  {\"role\": \"model\",\n  oops\n]");
        var e = Assert.Throws<RunStoreException>(() => RunInputs.Read(folder));
        Assert.StartsWith(Path.Combine(folder, "inputs.json") + ":3", e.Location);
    }
}
