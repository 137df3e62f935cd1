using System.Runtime.InteropServices;
using Evolve.Onnx;
using Evolve.Onnx.Proto;
using Google.Protobuf;

namespace Evolve.Tests.Onnx;

public class OnnxModelTests
{
    [Fact]
    public void Reads_gpt2_inputs_with_symbolic_dims()
    {
        var model = OnnxModel.Load(OnnxAssets.Gpt2);
        Assert.Equal(["input_ids", "position_ids", "attention_mask", "past_0", "past_1", "past_2", "past_3", "past_4"], model.Inputs.Select(i => i.Name));
        Assert.Equal(TensorElementType.Int32, model.Inputs[0].ElementType);
        var past = model.Inputs[3];
        Assert.Equal(TensorElementType.Float, past.ElementType);
        Assert.Equal("2,batch_size,4,past_seq_len,8", string.Join(",", past.Dims));
        Assert.Equal(new OnnxDim(2, null), past.Dims[0]);
        Assert.Equal(new OnnxDim(null, "past_seq_len"), past.Dims[3]);
        Assert.Equal("logits: float32[batch_size,seq_len,1000]", model.Outputs[0].ToString());
        Assert.Equal(27, model.Initializers.Count);
        var cAttn = model.GetInitializer("transformer.h.0.attn.c_attn.weight");
        Assert.Equal(InitializerStorage.RawData, cAttn.Storage);
        Assert.Equal([32, 96], cAttn.Dims);
        // values printed by onnx.numpy_helper (python3-onnx 1.12) from the same file
        var values = model.ReadFloat32(cAttn);
        Assert.Equal(0.02560568f, values[0], 7);
        Assert.Equal(0.0292112f, values[1], 7);
        Assert.Equal(-0.031678565f, values[31 * 96 + 95], 7);
    }

    [Fact]
    public void Reads_llama_external_data_initializers()
    {
        var model = OnnxModel.Load(OnnxAssets.Llama);
        Assert.Equal(23, model.Initializers.Count);
        Assert.All(model.Initializers, i => Assert.Equal(InitializerStorage.External, i.Storage));
        Assert.All(model.Initializers, i => Assert.Equal(TensorElementType.Float16, i.ElementType));
        var q = model.GetInitializer("model.layers.0.attn.q_proj.MatMul.weight");
        Assert.Equal([16, 16], q.Dims);
        Assert.Equal(new ExternalDataReference("model.onnx.data", Path.Combine(OnnxAssets.LlamaFolder, "model.onnx.data"), 1024032, 512), q.External);

        // Independent read: the half-precision values at that offset of the .data file, decoded by the BCL.
        var raw = File.ReadAllBytes(Path.Combine(OnnxAssets.LlamaFolder, "model.onnx.data")).AsSpan(1024032, 512);
        var expected = MemoryMarshal.Cast<byte, Half>(raw).ToArray().Select(h => (float)h).ToArray();
        var read = model.ReadFloat32(q);
        Assert.Equal(expected, read);
        // and the first bit patterns numpy reported
        Assert.Equal(new ushort[] { 40880, 10340, 7400, 41894 }, MemoryMarshal.Cast<byte, ushort>(model.ReadBytes(q).Span)[..4].ToArray());
        Assert.Equal(-0.005875f, read[3 * 16 + 5], 5);
    }

    [Fact]
    public void Reads_initializers_stored_in_typed_fields()
    {
        var graph = new GraphProto { Name = "typed" };
        graph.Initializer.Add(new TensorProto { Name = "f32", DataType = (int)TensorElementType.Float, Dims = { 2, 2 }, FloatData = { 1.5f, -2f, 0.25f, 8f } });
        // float16 travels in int32_data as its bit pattern: 0x3C00 = 1.0, 0xC000 = -2.0, 0x3555 ~ 0.33325
        graph.Initializer.Add(new TensorProto { Name = "f16", DataType = (int)TensorElementType.Float16, Dims = { 3 }, Int32Data = { 0x3C00, 0xC000, 0x3555 } });
        graph.Initializer.Add(new TensorProto { Name = "i64", DataType = (int)TensorElementType.Int64, Dims = { 2 }, Int64Data = { -7, 1L << 40 } });
        graph.Initializer.Add(new TensorProto { Name = "short", DataType = (int)TensorElementType.Float, Dims = { 3 }, FloatData = { 1f } });
        var path = Path.Combine(RepoPaths.NewTempDir("onnx-typed"), "typed.onnx");
        File.WriteAllBytes(path, new ModelProto { IrVersion = 8, Graph = graph }.ToByteArray());

        var model = OnnxModel.Load(path);
        Assert.Equal(InitializerStorage.TypedField, model.GetInitializer("f32").Storage);
        Assert.Equal([1.5f, -2f, 0.25f, 8f], model.ReadFloat32(model.GetInitializer("f32")));
        Assert.Equal([1f, -2f, 0.33325195f], model.ReadFloat32(model.GetInitializer("f16")));
        Assert.Equal([-7L, 1L << 40], MemoryMarshal.Cast<byte, long>(model.ReadBytes(model.GetInitializer("i64")).Span).ToArray());
        var e = Assert.Throws<OnnxModelException>(() => model.ReadBytes(model.GetInitializer("short")));
        Assert.Equal($"{path}: initializer 'short'", e.Location);
        Assert.Contains("holds 1 values, but short: float32[3] needs 3", e.Message);
    }

    [Fact]
    public void A_missing_external_data_file_is_a_located_error()
    {
        var dir = RepoPaths.NewTempDir("onnx-ext");
        File.Copy(OnnxAssets.Llama, Path.Combine(dir, "model.onnx"));
        var e = Assert.Throws<OnnxModelException>(() => OnnxModel.Load(Path.Combine(dir, "model.onnx")));
        Assert.Equal($"{Path.Combine(dir, "model.onnx")}: initializer 'model.embed_tokens.weight'", e.Location);
        Assert.Contains($"{Path.Combine(dir, "model.onnx.data")} does not exist", e.Message);
    }

    [Fact]
    public void A_truncated_external_data_file_is_a_located_error()
    {
        var dir = RepoPaths.NewTempDir("onnx-ext");
        File.Copy(OnnxAssets.Llama, Path.Combine(dir, "model.onnx"));
        var data = File.ReadAllBytes(Path.Combine(OnnxAssets.LlamaFolder, "model.onnx.data"));
        File.WriteAllBytes(Path.Combine(dir, "model.onnx.data"), data[..1_100_000]);
        var e = Assert.Throws<OnnxModelException>(() => OnnxModel.Load(Path.Combine(dir, "model.onnx")));
        // the first initializer past 1,100,000 bytes (python3-onnx's external_data listing: offset 1099904, length 2048)
        Assert.Equal($"{Path.Combine(dir, "model.onnx")}: initializer 'model.layers.1.mlp.gate_proj.MatMul.weight'", e.Location);
        Assert.Contains("needs bytes 1099904..1101952", e.Message);
        Assert.Contains("holds only 1100000 bytes", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_protobuf_is_a_located_error()
    {
        var path = Path.Combine(RepoPaths.NewTempDir("onnx-bad"), "bad.onnx");
        File.WriteAllBytes(path, [0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2]);
        var e = Assert.Throws<OnnxModelException>(() => OnnxModel.Load(path));
        Assert.Equal(path, e.Location);
        Assert.Contains("is not a valid ONNX model", e.Message);
    }

    [Fact]
    public void Round_trip_keeps_every_node_byte_for_byte_and_the_same_logits()
    {
        var model = OnnxModel.Load(OnnxAssets.Gpt2);
        var original = File.ReadAllBytes(OnnxAssets.Gpt2);
        var reserialized = model.Serialize();
        var originalNodes = OnnxModel.GraphNodeRecords(GraphField(original));
        Assert.Equal(39, originalNodes.Count);
        Assert.Equal(originalNodes, OnnxModel.GraphNodeRecords(GraphField(reserialized)));
        // An undeclared ModelProto field (doc_string, 6, or model metadata) survives too: same length overall.
        Assert.Equal(original.Length, reserialized.Length);

        using var before = OrtSession.FromFile(OnnxAssets.Gpt2, OrtSessionSettings.Default with { IntraOpThreads = 1 });
        using var after = OrtSession.FromBytes(reserialized, "round trip", OrtSessionSettings.Default with { IntraOpThreads = 1 });
        var a = OrtBindingTests.RunLogits(before, OnnxAssets.Tokens, out _);
        var b = OrtBindingTests.RunLogits(after, OnnxAssets.Tokens, out _);
        Assert.Equal(a, b);
    }

    /// <summary>ModelProto field 7 (graph), found by walking the raw bytes independently of our generated types.</summary>
    private static ByteString GraphField(byte[] model)
    {
        var input = new CodedInputStream(model);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == ModelProto.GraphFieldNumber) return input.ReadBytes();
            input.SkipLastField();
        }
        throw new InvalidDataException("no graph");
    }
}
