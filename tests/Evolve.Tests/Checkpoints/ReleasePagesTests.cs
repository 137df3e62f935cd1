using System.Runtime.InteropServices;
using Evolve.Checkpoints;

namespace Evolve.Tests.Checkpoints;

/// <summary>A mapped tensor's pages leave the resident set when released, and reading it again still gives its bytes.</summary>
public class ReleasePagesTests
{
    /// <summary>File-backed resident memory of this process (RssFile in /proc/self/status), in bytes.</summary>
    private static long ResidentFileBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("RssFile:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    [Fact]
    public void Released_pages_leave_the_resident_set_and_fault_back_unchanged()
    {
        if (!OperatingSystem.IsLinux()) return;
        const int count = 16 << 20; // 64 MiB of float32
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = i * 0.25f;
        var path = Path.Combine(RepoPaths.NewTempDir("release-pages"), "big.safetensors");
        SafetensorsWriter.WriteFile(path, [TensorToWrite.FromBytes("w", DType.F32, [count], MemoryMarshal.AsBytes(values.AsSpan()).ToArray())]);

        using var file = SafetensorsFile.Open(path);
        var readBack = new float[count];
        file.ReadFloat32("w", readBack);
        var resident = ResidentFileBytes();
        file.ReleasePages("w");
        var released = resident - ResidentFileBytes();

        Assert.True(released >= 48L << 20, $"only {released >> 20} MiB left the resident set");
        Array.Clear(readBack);
        file.ReadFloat32("w", readBack);
        Assert.Equal(values, readBack);
    }
}
