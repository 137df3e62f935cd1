using Evolve.Onnx;

namespace Evolve.Tests.Onnx;

public class InitializerOverrideTests
{
    private const string LmHead = "lm_head.MatMul.weight";

    [Fact]
    public void Overriding_lm_head_changes_the_logits_as_the_math_says()
    {
        var graph = OnnxModel.Load(OnnxAssets.Llama);
        // Extended, not All: at All, ORT 1.30 on CPU turns fp16 MatMul weights into float32 constants from the model
        // file before the override applies, so the override is silently lost (ScoringSession caps the level for this).
        var settings = OrtSessionSettings.Default with { IntraOpThreads = 1, Optimization = GraphOptimization.Extended };
        float[] baseline;
        using (var session = OrtSession.FromFile(graph.Path, settings))
            baseline = OrtBindingTests.RunLogits(session, OnnxAssets.Tokens, out _);

        // lm_head doubled: every logit doubles exactly (a power-of-two scale commutes with fp16 rounding).
        var head = graph.GetInitializer(LmHead);
        var doubled = NativeBuffer.CopyOf(graph.ReadBytes(head).Span);
        var halves = doubled.AsSpan<Half>();
        for (var i = 0; i < halves.Length; i++) halves[i] = (Half)((float)halves[i] * 2);
        var overrides = new InitializerOverrides(graph);
        overrides.Add(LmHead, doubled, TensorElementType.Float16, head.Dims);
        float[] scaled;
        using (var session = OrtSession.FromFile(graph.Path, settings, overrides))
        {
            doubled.Dispose(); // the session holds its own reference: the memory must stay valid
            scaled = OrtBindingTests.RunLogits(session, OnnxAssets.Tokens, out _);
        }
        Assert.Equal(baseline.Length, scaled.Length);
        Assert.Contains(baseline, v => v != 0);
        // Exact in fp16's normal range; in its subnormal range (below 2^-14) the baseline itself was rounded to a 2^-24 grid.
        for (var i = 0; i < baseline.Length; i++)
            if (Math.Abs(baseline[i]) >= 6.104e-5f) Assert.Equal(2 * baseline[i], scaled[i]);
            else Assert.True(Math.Abs(2 * baseline[i] - scaled[i]) <= 1.2e-7f, $"{i}: {scaled[i]} vs 2 x {baseline[i]}");

        // lm_head zero: every logit is exactly 0.
        using var zero = new NativeBuffer(head.ByteLength);
        var zeroed = new InitializerOverrides(graph);
        zeroed.Add(LmHead, zero, TensorElementType.Float16, head.Dims);
        using (var session = OrtSession.FromFile(graph.Path, settings, zeroed))
            Assert.All(OrtBindingTests.RunLogits(session, OnnxAssets.Tokens, out _), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Session_config_entries_reach_ort()
    {
        // session.disable_prepacking=1 makes ORT's MatMul read our override buffer at every Run instead of a packed
        // copy made at creation (ort-binding.md §5), so a later in-place change shows only with the entry set.
        var graph = OnnxModel.Load(OnnxAssets.Gpt2);
        var head = graph.GetInitializer("onnx::MatMul_1400");
        float[] LogitsAfterDoublingInPlace(OrtSessionSettings settings)
        {
            using var buffer = NativeBuffer.CopyOf(graph.ReadBytes(head).Span);
            var overrides = new InitializerOverrides(graph);
            overrides.Add(head.Name, buffer, TensorElementType.Float, head.Dims);
            using var session = OrtSession.FromFile(graph.Path, settings, overrides);
            var values = buffer.AsSpan<float>();
            for (var i = 0; i < values.Length; i++) values[i] *= 2;
            return OrtBindingTests.RunLogits(session, OnnxAssets.Tokens, out _);
        }
        float[] baseline;
        using (var session = OrtSession.FromFile(graph.Path, OrtSessionSettings.Default with { IntraOpThreads = 1 }))
            baseline = OrtBindingTests.RunLogits(session, OnnxAssets.Tokens, out _);

        var packed = LogitsAfterDoublingInPlace(OrtSessionSettings.Default with { IntraOpThreads = 1 });
        var unpacked = LogitsAfterDoublingInPlace(OrtSessionSettings.Default with
        {
            IntraOpThreads = 1,
            ConfigEntries = new Dictionary<string, string> { ["session.disable_prepacking"] = "1" },
        });
        for (var i = 0; i < baseline.Length; i++)
        {
            Assert.True(Math.Abs(packed[i] - baseline[i]) <= 1e-5f, $"{i}: packed {packed[i]} vs {baseline[i]}");
            Assert.True(Math.Abs(unpacked[i] - 2 * baseline[i]) <= 1e-5f, $"{i}: unpacked {unpacked[i]} vs 2 x {baseline[i]}");
        }
    }

    [Fact]
    public void Guard_rejects_an_unknown_name()
    {
        var graph = OnnxModel.Load(OnnxAssets.Llama);
        using var buffer = new NativeBuffer(512);
        var e = Assert.Throws<InitializerOverrideException>(() => new InitializerOverrides(graph).Add("model.layers.0.attn.q_proj.weight", buffer, TensorElementType.Float16, [16, 16]));
        Assert.Equal($"{graph.Path}: initializer 'model.layers.0.attn.q_proj.weight'", e.Location);
        Assert.Contains("does not exist in the graph", e.Message);
    }

    [Fact]
    public void Guard_rejects_a_graph_input_name()
    {
        var graph = OnnxModel.Load(OnnxAssets.Llama);
        using var buffer = new NativeBuffer(64);
        var e = Assert.Throws<InitializerOverrideException>(() => new InitializerOverrides(graph).Add("input_ids", buffer, TensorElementType.Int64, [1, 8]));
        Assert.Contains("is a graph input, not an initializer", e.Message);
    }

    [Fact]
    public void Guard_rejects_a_transposed_shape()
    {
        var graph = OnnxModel.Load(OnnxAssets.Llama);
        using var buffer = new NativeBuffer(2048);
        var e = Assert.Throws<InitializerOverrideException>(() =>
            new InitializerOverrides(graph).Add("model.layers.0.mlp.gate_proj.MatMul.weight", buffer, TensorElementType.Float16, [64, 16]));
        Assert.Equal($"{graph.Path}: initializer 'model.layers.0.mlp.gate_proj.MatMul.weight'", e.Location);
        Assert.Contains("has shape [16,64], but the replacement has shape [64,16]", e.Message);
    }

    [Fact]
    public void Guard_rejects_a_wrong_dtype()
    {
        var graph = OnnxModel.Load(OnnxAssets.Llama);
        using var buffer = new NativeBuffer(1024);
        var e = Assert.Throws<InitializerOverrideException>(() =>
            new InitializerOverrides(graph).Add("model.layers.0.attn.q_proj.MatMul.weight", buffer, TensorElementType.Float, [16, 16]));
        Assert.Contains("is float16, but the replacement is float32", e.Message);
    }

    [Fact]
    public void Guard_rejects_a_buffer_too_small_for_the_shape()
    {
        var graph = OnnxModel.Load(OnnxAssets.Llama);
        using var buffer = new NativeBuffer(100);
        var e = Assert.Throws<InitializerOverrideException>(() =>
            new InitializerOverrides(graph).Add("model.layers.0.attn.q_proj.MatMul.weight", buffer, TensorElementType.Float16, [16, 16]));
        Assert.Contains("needs 512 bytes, but the replacement buffer holds 100", e.Message);
    }

    [Fact]
    public void Ort_log_lines_reach_our_sink()
    {
        var graph = OnnxModel.Load(OnnxAssets.Gpt2);
        var lines = new List<OrtLogEntry>();
        using var subscription = OrtLog.Subscribe(entry => { lock (lines) lines.Add(entry); });
        // A weight turned into a graph input and then not fed fails inside the kernel, which ORT logs as an error.
        using var session = OrtSession.FromBytes(graph.WithInitializersAsInputs(["transformer.h.0.attn.c_attn.weight"]), "weights as inputs",
            OrtSessionSettings.Default with { IntraOpThreads = 1 });
        var feed = DecoderInputs.ForTokens(session.Inputs.Where(i => !i.Name.StartsWith("transformer")).ToList(), OnnxAssets.Tokens);
        var e = Assert.Throws<OrtException>(() => session.Run(feed, "logits"));
        foreach (var t in feed) t.Dispose();
        Assert.Contains("Missing Input: transformer.h.0.attn.c_attn.weight", e.OrtMessage);
        lock (lines)
            Assert.Contains(lines, l => l.Severity == OrtLogSeverity.Error && l.Message.Contains("Missing Input: transformer.h.0.attn.c_attn.weight"));
    }
}
