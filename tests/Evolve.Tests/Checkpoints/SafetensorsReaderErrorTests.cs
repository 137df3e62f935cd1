using Evolve.Checkpoints;
using Evolve.Errors;

namespace Evolve.Tests.Checkpoints;

public class SafetensorsReaderErrorTests
{
    private readonly string _dir = RepoPaths.NewTempDir("st-errors");

    private CheckpointFormatException OpenFails(string header, byte[] data, ulong? declaredLength = null)
    {
        var path = RawSafetensors.Write(_dir, "bad.safetensors", header, data, declaredLength);
        var error = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.StartsWith(path, error.Message);
        Assert.IsAssignableFrom<EvolveInputException>(error);
        Assert.NotNull(error.Remedy);
        return error;
    }

    [Fact]
    public void HeaderLengthBeyondTheFileIsRefused()
    {
        var error = OpenFails("{}", new byte[4], declaredLength: 1000);
        Assert.Contains("header length 1000 runs beyond the end of the 14-byte file", error.Message);
    }

    [Fact]
    public void FileShorterThanTheLengthPrefixIsRefused()
    {
        var path = Path.Combine(_dir, "tiny.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        var error = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("holds 3 bytes", error.Message);
    }

    [Fact]
    public void HeaderThatIsNotJsonIsRefused()
    {
        var error = OpenFails("{\"a\": {\"dtype\": \"F32\",", []);
        Assert.Contains("not valid JSON", error.Message);
    }

    [Fact]
    public void HeaderThatIsNotAnObjectIsRefused()
    {
        var error = OpenFails("[1, 2]", []);
        Assert.Contains("not a JSON object", error.Message);
    }

    [Fact]
    public void OffsetsBeyondTheDataAreRefused()
    {
        var error = OpenFails("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]);
        Assert.Contains("tensor w", error.Message);
        Assert.Contains("data_offsets [0, 16] lie outside the data section of 8 bytes", error.Message);
    }

    [Fact]
    public void DecreasingOffsetsAreRefused()
    {
        var error = OpenFails("{\"w\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}", new byte[8]);
        Assert.Contains("tensor w", error.Message);
        Assert.Contains("lie outside", error.Message);
    }

    [Fact]
    public void OverlappingTensorsAreRefused()
    {
        var header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                     + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        var error = OpenFails(header, new byte[16]);
        Assert.Contains("tensor b", error.Message);
        Assert.Contains("overlap tensor a [0, 8]", error.Message);
    }

    [Fact]
    public void ByteSizeThatDisagreesWithShapeAndDtypeIsRefused()
    {
        var error = OpenFails("{\"w\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,8]}}", new byte[8]);
        Assert.Contains("tensor w", error.Message);
        Assert.Contains("holds 8 bytes but shape [2, 3] × BF16 needs 12", error.Message);
    }

    [Fact]
    public void DuplicateTensorNamesAreRefused()
    {
        var header = "{\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
                     + "\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}}";
        var error = OpenFails(header, new byte[8]);
        Assert.Contains("tensor w", error.Message);
        Assert.Contains("names this tensor twice", error.Message);
    }

    [Fact]
    public void UnknownDtypeIsRefused()
    {
        var error = OpenFails("{\"w\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}", new byte[16]);
        Assert.Contains("tensor w", error.Message);
        Assert.Contains("unknown dtype \"F128\"", error.Message);
        Assert.Contains("BF16", error.Remedy);
    }

    [Fact]
    public void EntryLackingDataOffsetsIsRefused()
    {
        var error = OpenFails("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]);
        Assert.Contains("lacks dtype, shape or data_offsets", error.Message);
    }

    [Fact]
    public void NegativeShapeIsRefused()
    {
        var error = OpenFails("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]);
        Assert.Contains("shape holds something other than a non-negative integer", error.Message);
    }

    [Fact]
    public void NonStringMetadataIsRefused()
    {
        var error = OpenFails("{\"__metadata__\":{\"format\":1}}", []);
        Assert.Contains("\"__metadata__\" entry \"format\" is not a string", error.Message);
    }

    [Fact]
    public void ValidHandWrittenFileReadsWithGapsAndEmptyTensors()
    {
        // Offsets in any order, a zero-size tensor, and a gap are all legal as long as nothing overlaps.
        var header = "{\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                     + "\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
                     + "\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[2,2]}}";
        byte[] data = [7, 9, 0, 0, 0, 0, 0, 0, 0x78, 0x56, 0x34, 0x12];
        var path = RawSafetensors.Write(_dir, "ok.safetensors", header, data);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["a", "b", "e"], file.Tensors.Select(t => t.Name));
        Assert.Equal([7, 9], file.GetBytes("a").ToArray());
        Assert.Equal(0x12345678, BitConverter.ToInt32(file.GetBytes("b")));
        Assert.Equal(0, file.GetBytes("e").Length);
        Assert.Equal([0L, 3L], file.Tensors[2].Shape);
    }
}
