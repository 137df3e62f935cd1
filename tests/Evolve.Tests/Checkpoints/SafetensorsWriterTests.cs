using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Evolve.Checkpoints;

namespace Evolve.Tests.Checkpoints;

public class SafetensorsWriterTests
{
    private readonly string _dir = RepoPaths.NewTempDir("st-writer");
    private static readonly Dictionary<string, string> NoMetadata = new();

    [Fact]
    public void SingleTensorMatchesTheRustCrateGoldenBytes()
    {
        // Golden bytes from the safetensors crate's own serialization test (tensor "attn.0", F32, [1,2,3], 0..5).
        var values = new float[] { 0, 1, 2, 3, 4, 5 };
        var path = Path.Combine(_dir, "golden.safetensors");
        SafetensorsWriter.WriteFile(path,
            [TensorToWrite.FromBytes("attn.0", DType.F32, [1, 2, 3], MemoryMarshal.AsBytes(values.AsSpan()).ToArray())],
            NoMetadata);
        byte[] expected =
        [
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        ];
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void HeaderIsPaddedWithSpacesToEightBytesLikeTheRustCrate()
    {
        // The crate's forced-alignment case: "attn0" [1,1,2,3] makes a 65-byte header padded by 7 spaces to 72.
        var values = new float[] { 0, 1, 2, 3, 4, 5 };
        var path = Path.Combine(_dir, "aligned.safetensors");
        SafetensorsWriter.WriteFile(path,
            [TensorToWrite.FromBytes("attn0", DType.F32, [1, 1, 2, 3], MemoryMarshal.AsBytes(values.AsSpan()).ToArray())],
            NoMetadata);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(72, BitConverter.ToInt64(bytes, 0));
        Assert.Equal("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ",
            Encoding.ASCII.GetString(bytes, 8, 72));
    }

    [Fact]
    public void EmptyFileWithMetadataMatchesTheRustCrateGoldenBytes()
    {
        var path = Path.Combine(_dir, "empty.safetensors");
        SafetensorsWriter.WriteFile(path, [], new Dictionary<string, string> { ["framework"] = "pt" });
        var expected = new byte[] { 40, 0, 0, 0, 0, 0, 0, 0 }
            .Concat(Encoding.ASCII.GetBytes("{\"__metadata__\":{\"framework\":\"pt\"}}     ")).ToArray();
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void TensorsAreOrderedByDecreasingAlignmentThenName()
    {
        var path = Path.Combine(_dir, "order.safetensors");
        SafetensorsWriter.WriteFile(path, SyntheticModels.Mixed());
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(
        [
            "model.position_ids",                      // I64
            "model.layers.0.self_attn.q_proj.weight",  // F32, by name
            "model.layers.1.input_layernorm.weight",
            "model.norm.weight",
            "lm_head.weight",                          // BF16
            "model.embed_tokens.weight",
            "model.layers.1.self_attn.q_proj.weight",
            "model.layers.0.mlp.up_proj.weight",       // F16
        ], file.StoredTensors.Select(t => t.Info.Name));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(0, file.HeaderLength % 8);
    }

    [Fact]
    public void ReadThenWriteIsByteIdentical()
    {
        var first = Path.Combine(_dir, "first.safetensors");
        var second = Path.Combine(_dir, "second.safetensors");
        SafetensorsWriter.WriteFile(first, SyntheticModels.Mixed());
        using (var read = SafetensorsFile.Open(first))
        {
            SafetensorsWriter.WriteFile(second, TensorToWrite.From(read), read.Metadata);
            foreach (var tensor in SyntheticModels.Mixed())
                Assert.Equal(tensor.Bytes().ToArray(), read.GetBytes(tensor.Info.Name).ToArray());
        }
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public void ReadFloat32DecodesEachFloatDtype()
    {
        var path = Path.Combine(_dir, "floats.safetensors");
        SafetensorsWriter.WriteFile(path, SyntheticModels.Mixed());
        using var file = SafetensorsFile.Open(path);
        var f32 = new float[16];
        file.ReadFloat32("model.layers.0.self_attn.q_proj.weight", f32);
        Assert.Equal(1f + 15 * 0.25f, f32[15]);
        var f16 = new float[24];
        file.ReadFloat32("model.layers.0.mlp.up_proj.weight", f16);
        Assert.Equal(2f - 23 * 0.5f, f16[23]);
        var bf16 = new float[32];
        file.ReadFloat32("model.embed_tokens.weight", bf16);
        Assert.Equal(1f, bf16[0]);                      // 0x3F80
        Assert.Equal(1.0078125f, bf16[1]);              // 0x3F81: 1 + 2^-7
        Assert.Throws<InvalidOperationException>(() => file.ReadFloat32("model.position_ids", new float[5]));
    }

    [Fact]
    public void TensorsStreamedInRangesWriteTheSameBytesAsWholeOnes()
    {
        // Ranges of 6 bytes: one and a half F32 elements, so the writer must cut at whole elements (4 bytes).
        var whole = Path.Combine(_dir, "whole.safetensors");
        var pieces = Path.Combine(_dir, "pieces.safetensors");
        var tensors = SyntheticModels.Mixed();
        SafetensorsWriter.WriteFile(whole, tensors, outDType: DType.BF16);
        var requested = new List<(long, int)>();
        var ranged = tensors.Select(t => t with
        {
            Ranges = (offset, length) =>
            {
                requested.Add((offset, length));
                return t.Bytes().Slice((int)offset, length);
            },
        }).ToArray();
        SafetensorsWriter.WriteTemporary(pieces, ranged, SafetensorsWriter.PyTorchMetadata, DType.BF16, rangeBytes: 6);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(pieces));
        Assert.Contains((4L, 4), requested);      // F32: 4-byte pieces
        Assert.Contains((6L, 6), requested);      // BF16 and F16: 6-byte pieces
        Assert.Contains((32L, 8), requested);     // I64: one whole element even though it exceeds 6 bytes
    }

    [Fact]
    public void ByteRangesOfAMappedFileAreBoundsChecked()
    {
        var path = Path.Combine(_dir, "ranges.safetensors");
        SafetensorsWriter.WriteFile(path, SyntheticModels.Mixed());
        using ITensorSource file = SafetensorsFile.Open(path);
        Assert.Equal(file.GetBytes("model.position_ids")[8..24].ToArray(), file.GetBytes("model.position_ids", 8, 16).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => file.GetBytes("model.position_ids", 32, 16).Length);
    }

    [Fact]
    public void OutDtypeReencodesFloatTensorsAndPassesOthersThrough()
    {
        var path = Path.Combine(_dir, "bf16.safetensors");
        SafetensorsWriter.WriteFile(path, SyntheticModels.Mixed(), outDType: DType.BF16);
        using var file = SafetensorsFile.Open(path);
        Assert.All(file.Tensors.Where(t => t.Name != "model.position_ids"), t => Assert.Equal(DType.BF16, t.DType));
        Assert.True(file.TryGetInfo("model.position_ids", out var ids));
        Assert.Equal(DType.I64, ids.DType);
        // 1.25 = 0x3FA0_0000 in float32, so 0x3FA0 in BF16.
        Assert.Equal(0x3FA0, MemoryMarshal.Cast<byte, ushort>(file.GetBytes("model.layers.0.self_attn.q_proj.weight"))[1]);
    }

    [Fact]
    public void ShardedWriteSplitsBySizeAndWritesTheIndex()
    {
        var folder = Path.Combine(_dir, "sharded");
        var tensors = SyntheticModels.Mixed();
        // Sizes in name order: lm_head 64, embed 64, l0.mlp 48, l0.q 64, l1.ln 16, l1.q 32, norm 16, position_ids 40;
        // a new shard starts when the next tensor would take the current one past 120 bytes.
        var result = CheckpointWriter.WriteFolder(folder, tensors, new CheckpointWriteOptions { MaxShardBytes = 120 });
        Assert.Equal(["model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors",
                      "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors"],
            result.Files.Select(Path.GetFileName));
        Assert.Equal(344, result.TotalSize);

        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "model.safetensors.index.json")));
        Assert.Equal(344, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
        var map = index.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal("model-00001-of-00004.safetensors", map["lm_head.weight"]);
        Assert.Equal("model-00002-of-00004.safetensors", map["model.embed_tokens.weight"]);
        Assert.Equal("model-00002-of-00004.safetensors", map["model.layers.0.mlp.up_proj.weight"]);
        Assert.Equal("model-00003-of-00004.safetensors", map["model.layers.0.self_attn.q_proj.weight"]);
        Assert.Equal("model-00003-of-00004.safetensors", map["model.layers.1.input_layernorm.weight"]);
        Assert.Equal("model-00003-of-00004.safetensors", map["model.layers.1.self_attn.q_proj.weight"]);
        Assert.Equal("model-00004-of-00004.safetensors", map["model.norm.weight"]);
        Assert.Equal("model-00004-of-00004.safetensors", map["model.position_ids"]);
        Assert.Equal(map.Keys.Order(StringComparer.Ordinal), map.Keys);

        using var model = HfModelFolder.Open(folder);
        Assert.True(model.IsSharded);
        Assert.Equal(tensors.Select(t => t.Info.Name).Order(StringComparer.Ordinal), model.Weights.Tensors.Select(t => t.Name));
        foreach (var tensor in tensors)
        {
            Assert.True(model.Weights.TryGetInfo(tensor.Info.Name, out var info));
            Assert.Equal(tensor.Info.Shape, info.Shape);
            Assert.Equal(tensor.Bytes().ToArray(), model.Weights.GetBytes(tensor.Info.Name).ToArray());
        }

        var again = Path.Combine(_dir, "again");
        CheckpointWriter.WriteFolder(again, model.Weights, new CheckpointWriteOptions { MaxShardBytes = 120 });
        foreach (var name in Directory.GetFiles(folder).Select(Path.GetFileName))
            Assert.Equal(File.ReadAllBytes(Path.Combine(folder, name!)), File.ReadAllBytes(Path.Combine(again, name!)));
        Assert.Equal(5, Directory.GetFiles(again).Length);
    }

    [Fact]
    public void IndexIsWrittenAsTransformersWritesIt()
    {
        var folder = Path.Combine(_dir, "index-text");
        CheckpointWriter.WriteFolder(folder,
            [SyntheticModels.Float32("b", [2], 0), SyntheticModels.Float32("a", [2], 0)],
            new CheckpointWriteOptions { MaxShardBytes = 8 });
        Assert.Equal(
            "{\n  \"metadata\": {\n    \"total_size\": 16\n  },\n  \"weight_map\": {\n"
            + "    \"a\": \"model-00001-of-00002.safetensors\",\n    \"b\": \"model-00002-of-00002.safetensors\"\n  }\n}\n",
            File.ReadAllText(Path.Combine(folder, "model.safetensors.index.json")));
    }

    [Fact]
    public void ProgressCountsOutputBytesUpToTheTotal()
    {
        var reports = new List<WriteProgress>();
        var progress = new SynchronousProgress<WriteProgress>(reports.Add);
        CheckpointWriter.WriteFolder(Path.Combine(_dir, "progress"), SyntheticModels.Mixed(),
            new CheckpointWriteOptions { MaxShardBytes = 120, OutDType = DType.F32, Progress = progress });
        // In F32 the seven float tensors hold 133 - 5 elements × 4 bytes, plus 40 bytes of I64.
        Assert.Equal(8, reports.Count);
        Assert.All(reports, r => Assert.Equal(552, r.TotalBytes));
        Assert.Equal(552, reports[^1].BytesWritten);
        Assert.Equal(reports.Select(r => r.BytesWritten).Order(), reports.Select(r => r.BytesWritten));
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    [Fact]
    public void UnshardedWriteIsOneModelFileWithoutIndex()
    {
        var folder = Path.Combine(_dir, "single");
        var result = CheckpointWriter.WriteFolder(folder, SyntheticModels.Mixed(), new CheckpointWriteOptions { MaxShardBytes = ShardSize.Parse("5GB", "test") });
        Assert.Null(result.IndexPath);
        Assert.Equal(["model.safetensors"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void InterruptedWriteLeavesNoFileUnderAFinalNameAndNoPartialFile()
    {
        var folder = Path.Combine(_dir, "interrupted");
        var good = SyntheticModels.Mixed();
        var failing = new TensorToWrite(new TensorInfo("model.layers.1.zzz", DType.F32, [4]),
            () => throw new IOException("source went away"));
        var namesSeen = new List<string>();
        // Watch the folder while the first shards are written, to see which names files carry mid-write.
        var watched = good.Select(t => new TensorToWrite(t.Info, () =>
        {
            namesSeen.AddRange(Directory.GetFiles(folder).Select(f => Path.GetFileName(f)!));
            return t.Bytes();
        })).Append(failing).ToArray();

        Assert.Throws<IOException>(() =>
            CheckpointWriter.WriteFolder(folder, watched, new CheckpointWriteOptions { MaxShardBytes = 120 }));
        Assert.Empty(Directory.GetFiles(folder));
        Assert.NotEmpty(namesSeen);
        Assert.All(namesSeen, n => Assert.EndsWith(".partial", n));
    }

    [Fact]
    public void WritingOverAnotherCheckpointIsRefused()
    {
        var folder = Path.Combine(_dir, "stale");
        CheckpointWriter.WriteFolder(folder, SyntheticModels.Mixed(), new CheckpointWriteOptions { MaxShardBytes = 120 });
        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointWriter.WriteFolder(folder, SyntheticModels.Mixed()));
        Assert.Contains("model-00001-of-00004.safetensors", error.Message);
        Assert.Contains("empty folder", error.Message);
    }

    [Theory]
    [InlineData("5GB", 5_000_000_000L)]
    [InlineData("2GiB", 2_147_483_648L)]
    [InlineData("500MB", 500_000_000L)]
    [InlineData("1.5KiB", 1536L)]
    [InlineData("12345", 12345L)]
    public void ShardSizesParseAsTransformersReadsThem(string text, long bytes) =>
        Assert.Equal(bytes, ShardSize.Parse(text, "--max-shard-size"));

    [Fact]
    public void BadShardSizeIsRefused()
    {
        var error = Assert.Throws<CheckpointFormatException>(() => ShardSize.Parse("lots", "--max-shard-size"));
        Assert.StartsWith("--max-shard-size: \"lots\" is not a size", error.Message);
    }
}
