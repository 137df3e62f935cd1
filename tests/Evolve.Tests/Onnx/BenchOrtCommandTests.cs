using Evolve.Cli;

namespace Evolve.Tests.Onnx;

public class BenchOrtCommandTests
{
    [Fact]
    public void Rejects_a_run_count_below_one()
    {
        var error = new StringWriter();
        Assert.Equal(CliApp.BadInput, CliApp.Run(["bench", "ort", "--runs", "0"], new StringWriter(), error));
        Assert.Contains("--runs must be at least 1", error.ToString());
    }

    [Fact]
    public void A_truncated_model_exits_with_the_input_error_code_naming_the_file()
    {
        var path = Path.Combine(RepoPaths.NewTempDir("bench-bad"), "broken.onnx");
        File.WriteAllBytes(path, [0x08, 0x07, 0x3a, 0x05, 0x0a, 0x01]);
        var error = new StringWriter();
        Assert.Equal(CliApp.BadInput, CliApp.Run(["bench", "ort", "--model", path], new StringWriter(), error));
        Assert.StartsWith($"error: {path}: ", error.ToString());
    }

    [Fact]
    public void Prints_both_strategies_and_their_agreement_on_a_torch_export()
    {
        var model = Path.Combine(RepoPaths.Fixtures, "onnx", "torch-tiny-llama", "model.onnx");
        var output = new StringWriter();
        var code = CliApp.Run(["bench", "ort", "--model", model, "--weight-sets", "2", "--runs", "1", "--batch", "2", "--sequence", "8", "--threads", "1"],
            output, new StringWriter());
        Assert.Equal(CliApp.Ok, code);
        var text = output.ToString();
        Assert.Contains("20 initializers", text); // every float initializer of the graph, bound to itself
        Assert.Matches(@"weights as graph inputs\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+1\.00x", text);
        Assert.Matches(@"session per weight set\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+x", text);
        Assert.Contains("max |logit difference| between the strategies (first weight set): 0", text);
    }
}
