using System.Runtime.InteropServices;
using Evolve.Checkpoints;

namespace Evolve.Tests.Checkpoints;

/// <summary>
/// A mapped tensor's pages leave the resident set when released, all of them or a byte range, and reading it again
/// still gives its bytes.
/// </summary>
[Collection(ResidentMemoryCollection.Name)]
public class ReleasePagesTests
{
    /// <summary>File-backed resident memory of this process (RssFile in /proc/self/status), in bytes.</summary>
    private static long ResidentFileBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("RssFile:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    /// <summary>64 MiB of float32 written as tensor "w" of a safetensors file, mapped and read once (so resident).</summary>
    private static (SafetensorsFile File, float[] Values) ReadOnce(string folder)
    {
        const int count = 16 << 20;
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = i * 0.25f;
        var path = Path.Combine(RepoPaths.NewTempDir(folder), "big.safetensors");
        SafetensorsWriter.WriteFile(path, [TensorToWrite.FromBytes("w", DType.F32, [count], MemoryMarshal.AsBytes(values.AsSpan()).ToArray())]);
        var file = SafetensorsFile.Open(path);
        file.ReadFloat32("w", new float[count]);
        return (file, values);
    }

    private static void AssertReadsBack(SafetensorsFile file, float[] values)
    {
        var readBack = new float[values.Length];
        file.ReadFloat32("w", readBack);
        Assert.Equal(values, readBack);
    }

    [Fact]
    public void Released_pages_leave_the_resident_set_and_fault_back_unchanged()
    {
        if (!OperatingSystem.IsLinux()) return;
        var (file, values) = ReadOnce("release-pages");
        using (file)
        {
            var resident = ResidentFileBytes();
            file.ReleasePages("w");
            var released = resident - ResidentFileBytes();
            Assert.True(released >= 48L << 20, $"only {released >> 20} MiB left the resident set");
            AssertReadsBack(file, values);
        }
    }

    [Fact]
    public void Releasing_a_byte_range_drops_that_range_only()
    {
        if (!OperatingSystem.IsLinux()) return;
        var (file, values) = ReadOnce("release-range");
        using (file)
        {
            var resident = ResidentFileBytes();
            file.ReleasePages("w", 32L << 20, 32L << 20);
            // The second half of the tensor's 64 MiB: 32 MiB less a page at its start, never the first half.
            Assert.InRange(resident - ResidentFileBytes(), 28L << 20, 36L << 20);

            // A range past the tensor's end releases nothing of it, nor of its neighbours.
            resident = ResidentFileBytes();
            file.ReleasePages("w", 64L << 20, 1L << 20);
            Assert.InRange(resident - ResidentFileBytes(), -(1L << 20), 1L << 20);
            AssertReadsBack(file, values);
        }
    }
}

/// <summary>
/// Tests that read the process's resident memory run alone, after the others: another test mapping or releasing files
/// meanwhile would move the figure they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResidentMemoryCollection
{
    public const string Name = "Resident memory";
}
