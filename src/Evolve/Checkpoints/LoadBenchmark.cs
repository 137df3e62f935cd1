using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Evolve.Checkpoints;

/// <summary>Median timings of <see cref="LoadBenchmark"/>, over the same bytes.</summary>
/// <param name="FileBytes">Tensor bytes in the file (what both passes move).</param>
/// <param name="LoadSeconds">Open (map, parse, validate) plus BF16→F32 conversion of every tensor.</param>
/// <param name="BaselineSeconds">Sequential read of the same bytes plus a memcpy into a buffer of the same size.</param>
public sealed record LoadBenchmarkResult(long FileBytes, int TensorCount, int Repetitions, double LoadSeconds, double BaselineSeconds)
{
    public double LoadGBps => FileBytes / LoadSeconds / 1e9;

    public double BaselineGBps => FileBytes / BaselineSeconds / 1e9;

    /// <summary>Load throughput over baseline throughput: 1 means loading costs what copying the bytes costs.</summary>
    public double Ratio => BaselineSeconds / LoadSeconds;
}

/// <summary>
/// Measures loading a BF16 checkpoint to float32 against the plainest way to get the same bytes into memory, in the
/// same process on the same file, page cache warm (one unmeasured pass of each first).
/// </summary>
public static class LoadBenchmark
{
    private const int TensorBytes = 32 << 20;

    public static LoadBenchmarkResult Run(long sizeBytes, int repetitions, IProgress<string>? progress = null)
    {
        if (sizeBytes < TensorBytes)
            throw new ArgumentOutOfRangeException(nameof(sizeBytes), $"the benchmark file needs at least {TensorBytes >> 20} MB");
        if (repetitions < 1)
            throw new ArgumentOutOfRangeException(nameof(repetitions));
        var folder = Path.Combine(Path.GetTempPath(), $"evolve-bench-load-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var path = Path.Combine(folder, CheckpointWriter.SingleFileName);
            var tensorCount = (int)(sizeBytes / TensorBytes);
            progress?.Report($"writing {tensorCount} BF16 tensors of {TensorBytes >> 20} MB to {path}");
            WriteBenchmarkFile(path, tensorCount);

            var floats = new float[TensorBytes / 2];
            var chunk = new byte[TensorBytes];
            var copy = new byte[TensorBytes];
            LoadAndConvert(path, floats);
            ReadAndCopy(path, chunk, copy);
            var load = new double[repetitions];
            var baseline = new double[repetitions];
            for (int r = 0; r < repetitions; r++)
            {
                progress?.Report($"repetition {r + 1}/{repetitions}");
                baseline[r] = Time(() => ReadAndCopy(path, chunk, copy));
                load[r] = Time(() => LoadAndConvert(path, floats));
            }
            return new LoadBenchmarkResult((long)tensorCount * TensorBytes, tensorCount, repetitions, Median(load), Median(baseline));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void WriteBenchmarkFile(string path, int tensorCount)
    {
        // Finite BF16 values of varied sign and magnitude; exponents stay away from NaN/Inf patterns.
        var values = new ushort[TensorBytes / 2];
        for (int i = 0; i < values.Length; i++)
            values[i] = (ushort)(((uint)i * 2654435761u >> 16) & 0xBFFF);
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        var tensors = Enumerable.Range(0, tensorCount)
            .Select(i => TensorToWrite.FromBytes($"model.layers.{i}.mlp.up_proj.weight", DType.BF16, [TensorBytes / 2 / 4096, 4096], bytes))
            .ToArray();
        SafetensorsWriter.WriteFile(path, tensors);
    }

    private static void LoadAndConvert(string path, float[] destination)
    {
        using var file = SafetensorsFile.Open(path);
        foreach (var tensor in file.Tensors)
            file.ReadFloat32(tensor.Name, destination.AsSpan(0, (int)tensor.ElementCount));
    }

    private static void ReadAndCopy(string path, byte[] chunk, byte[] copy)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(handle);
        for (long offset = 0; offset < length;)
        {
            var read = RandomAccess.Read(handle, chunk, offset);
            if (read == 0)
                break;
            chunk.AsSpan(0, read).CopyTo(copy);
            offset += read;
        }
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
