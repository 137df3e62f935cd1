namespace Evolve.Tests.Onnx;

/// <summary>The third-party ONNX exports in ../shared/assets (provenance in its README.md).</summary>
internal static class OnnxAssets
{
    public static string LlamaFolder => Path.Combine(RepoPaths.Assets, "tiny-random-LlamaForCausalLM-fp16");
    public static string Llama => Path.Combine(LlamaFolder, "model.onnx");
    public static string Gpt2 => Path.Combine(RepoPaths.Assets, "tiny-random-gpt2-fp32", "past.onnx");

    /// <summary>Token rows used across the tests (ids below both vocabularies).</summary>
    public static readonly long[][] Tokens = [[1, 450, 499, 173, 29], [1, 150, 31, 991, 13]];
}
