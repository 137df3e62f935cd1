using Evolve.Onnx;
using Evolve.Onnx.Native;

namespace Evolve.Tests.Onnx;

public class OrtBindingTests
{
    [Fact]
    public void Loads_the_npm_build_through_api_version_30()
    {
        Assert.Equal("1.30.0", OrtApi.VersionString);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, OrtApi.LibraryFileName), OrtApi.LibraryPath);
    }

    [Fact]
    public void A_missing_override_library_is_a_located_input_error()
    {
        var missing = Path.Combine(RepoPaths.NewTempDir("ort-lib"), "libonnxruntime.so.1");
        var e = Assert.Throws<OrtLibraryException>(() => OrtApi.ResolveLibraryPath(missing));
        Assert.Equal(missing, e.Location);
        Assert.Contains(OrtApi.LibraryOverrideVariable, e.Message);
    }

    [Fact]
    public void A_library_that_is_not_onnx_runtime_is_named_as_such()
    {
        var garbage = Path.Combine(RepoPaths.NewTempDir("ort-lib"), "libgarbage.so");
        File.WriteAllBytes(garbage, [1, 2, 3, 4]);
        Assert.Contains("cannot be loaded as a shared library", Assert.Throws<OrtLibraryException>(() => OrtApi.Open(garbage)).Message);

        var notOrt = Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "libSystem.Native.so");
        var e = Assert.Throws<OrtLibraryException>(() => OrtApi.Open(notOrt));
        Assert.Contains("exports no OrtGetApiBase", e.Message);
    }

    [Fact]
    public void A_runtime_without_api_version_30_is_named_with_its_version()
    {
        // Fixtures/onnx/old-ort: a stand-in built from old_ort.c that behaves like ORT 1.16 (GetApi(30) answers NULL).
        var old = Path.Combine(RepoPaths.Fixtures, "onnx", "old-ort", "libonnxruntime_1_16.so");
        var e = Assert.Throws<OrtLibraryException>(() => OrtApi.Open(old));
        Assert.Equal(old, e.Location);
        Assert.Contains("is ONNX Runtime 1.16.3, which does not provide C API version 30", e.Message);
        Assert.Contains("EVOLVE_ORT_LIB", e.Message);
    }

    [Fact]
    public void Session_reports_the_graphs_inputs_outputs_and_element_types()
    {
        using var session = OrtSession.FromFile(OnnxAssets.Llama, OrtSessionSettings.Default);
        Assert.Equal(
            ["input_ids", "attention_mask", "position_ids", "past_key_values.0.key", "past_key_values.0.value", "past_key_values.1.key", "past_key_values.1.value"],
            session.Inputs.Select(i => i.Name));
        Assert.Equal(TensorElementType.Int64, session.Inputs[0].ElementType);
        var past = session.Inputs[3];
        Assert.Equal(TensorElementType.Float16, past.ElementType);
        Assert.Equal([-1, 1, -1, 16], past.Dims);
        Assert.Equal(["batch_size", "", "past_sequence_length", ""], past.SymbolicDims);
        Assert.Equal("logits", session.Outputs[0].Name);
        Assert.Equal([-1, -1, 32000], session.Outputs[0].Dims);
    }

    [Fact]
    public void Garbage_model_bytes_surface_as_a_model_error_with_orts_code_and_message()
    {
        var e = Assert.Throws<OnnxModelException>(() => OrtSession.FromBytes(new byte[] { 0x0a, 0xff, 0xff, 0x01, 0x02 }, "garbage.onnx", OrtSessionSettings.Default));
        Assert.Equal(OrtErrorCode.InvalidProtobuf, e.OrtCode);
        Assert.Equal("garbage.onnx", e.Location);
        Assert.Contains("Failed to load model because protobuf parsing failed.", e.Message);
    }

    [Fact]
    public void A_garbage_model_file_names_the_file()
    {
        var path = Path.Combine(RepoPaths.NewTempDir("ort-garbage"), "garbage.onnx");
        File.WriteAllText(path, "this is not an onnx model");
        var e = Assert.Throws<OnnxModelException>(() => OrtSession.FromFile(path, OrtSessionSettings.Default));
        Assert.Equal(OrtErrorCode.InvalidProtobuf, e.OrtCode);
        Assert.Contains($"Load model from {path} failed:Protobuf parsing failed.", e.Message);
    }

    [Fact]
    public void Cuda_on_the_npm_build_is_a_typed_error_pointing_at_EVOLVE_ORT_LIB()
    {
        var e = Assert.Throws<ExecutionProviderUnavailableException>(() =>
            OrtSession.FromFile(OnnxAssets.Llama, OrtSessionSettings.Default with { Provider = ExecutionProvider.Cuda }));
        Assert.Equal("CUDA", e.Provider);
        Assert.True(e.OrtMessage.Contains("Failed to load shared library"), e.OrtMessage);
        Assert.Contains("EVOLVE_ORT_LIB", e.Message);
        Assert.Contains("CUDA build of ONNX Runtime 1.30 or newer", e.Message);
        Assert.Equal(OrtApi.LibraryPath, e.Location);
    }

    [Fact]
    public void Invalid_session_options_are_orts_invalid_argument()
    {
        var e = Assert.Throws<OrtException>(() => OrtSession.FromFile(OnnxAssets.Llama, OrtSessionSettings.Default with { Optimization = (GraphOptimization)42 }));
        Assert.Equal(OrtErrorCode.InvalidArgument, e.Code);
        Assert.Equal("graph_optimization_level is not valid", e.OrtMessage);
    }

    [Fact]
    public void Forward_pass_with_empty_past_matches_the_incremental_pass_with_the_kv_cache()
    {
        using var session = OrtSession.FromFile(OnnxAssets.Llama, OrtSessionSettings.Default with { IntraOpThreads = 1 });
        long[][] full = [OnnxAssets.Tokens[0]];
        var fullLogits = RunLogits(session, full, out var shape);
        Assert.Equal([1, 5, 32000], shape);
        Assert.All(fullLogits, v => Assert.True(float.IsFinite(v)));

        // The same last-position logits from 4 tokens first, then the 5th with their keys and values as past.
        var prefix = DecoderInputs.ForTokens(session.Inputs, [full[0][..4]]);
        var presents = session.Outputs.Where(o => o.Name.StartsWith("present")).Select(o => o.Name).ToArray();
        var prefixOut = session.Run(prefix, presents);
        var step = new List<NamedTensor>
        {
            Ints("input_ids", [[full[0][4]]]),
            Ints("attention_mask", [[1, 1, 1, 1, 1]]),
            Ints("position_ids", [[4]]),
        };
        for (var i = 0; i < presents.Length; i++)
        {
            var name = presents[i].Replace("present", "past_key_values");
            step.Add(new NamedTensor(name, TensorElementType.Float16, prefixOut[i].Shape, NativeBuffer.CopyOf(prefixOut[i].Bytes)));
        }
        using var stepLogits = session.Run(step, "logits")[0];
        Assert.Equal([1, 1, 32000], stepLogits.Shape);
        var incremental = stepLogits.ToFloat32();
        var last = fullLogits.AsSpan(4 * 32000, 32000);
        for (var v = 0; v < 32000; v++)
            Assert.True(Math.Abs(incremental[v] - last[v]) <= 2e-3f + 2e-3f * Math.Abs(last[v]), $"vocab {v}: {incremental[v]} vs {last[v]}");
        Assert.NotEqual(0f, last[0]);

        foreach (var t in prefix.Concat(step)) t.Dispose();
        foreach (var t in prefixOut) t.Dispose();
    }

    internal static float[] RunLogits(OrtSession session, long[][] tokens, out long[] shape)
    {
        var inputs = DecoderInputs.ForTokens(session.Inputs, tokens);
        try
        {
            using var logits = session.Run(inputs, "logits")[0];
            shape = logits.Shape;
            return logits.ToFloat32();
        }
        finally
        {
            foreach (var t in inputs) t.Dispose();
        }
    }

    private static NamedTensor Ints(string name, long[][] rows)
    {
        var tensor = NamedTensor.Allocate(name, TensorElementType.Int64, [rows.Length, rows[0].Length]);
        rows.SelectMany(r => r).ToArray().AsSpan().CopyTo(tensor.Buffer.AsSpan<long>());
        return tensor;
    }
}
