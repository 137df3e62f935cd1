namespace Evolve.Checkpoints;

/// <summary>
/// Writes one safetensors file in the reference layout (<see cref="SafetensorsLayout"/>). Float tensors may be
/// re-encoded to an output dtype on the way. The file is written under a temporary name and renamed only once
/// complete, so a crash or exception never leaves a partial file under the final name.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>The metadata transformers' save_pretrained puts in every file.</summary>
    public static IReadOnlyDictionary<string, string> PyTorchMetadata { get; } =
        new Dictionary<string, string> { ["format"] = "pt" };

    /// <param name="outDType">F32, F16 or BF16 to re-encode every float tensor to; null keeps each tensor's dtype.</param>
    public static void WriteFile(string path, IReadOnlyList<TensorToWrite> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, DType? outDType = null)
    {
        var temporary = TemporaryName(path);
        try
        {
            WriteTemporary(temporary, tensors, metadata ?? PyTorchMetadata, outDType);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The name a file is written under until complete: never the final name.</summary>
    internal static string TemporaryName(string path) => path + ".partial";

    /// <summary>The dtype a tensor is stored with once written.</summary>
    internal static DType OutputDType(TensorInfo info, DType? outDType) =>
        outDType is { } target && info.DType.IsFloat32Convertible() ? target : info.DType;

    internal static long OutputBytes(TensorInfo info, DType? outDType) =>
        info.ElementCount * OutputDType(info, outDType).ByteSize();

    /// <summary>Largest piece of a tensor the writer asks a range provider for (whole elements of every dtype).</summary>
    internal const int DefaultRangeBytes = 64 << 20;

    internal static void WriteTemporary(string temporary, IReadOnlyList<TensorToWrite> tensors,
        IReadOnlyDictionary<string, string> metadata, DType? outDType, ProgressCounter? progress = null,
        int rangeBytes = DefaultRangeBytes)
    {
        if (outDType is { } target && !target.IsFloat32Convertible())
            throw new ArgumentException($"output dtype must be F32, F16 or BF16, not {target}", nameof(outDType));
        RefuseDuplicateNames(tensors);
        var ordered = tensors
            .Select(t => (Source: t, Stored: t.Info with { DType = OutputDType(t.Info, outDType) }))
            .OrderBy(p => p.Stored, Comparer<TensorInfo>.Create(SafetensorsLayout.Compare))
            .ToArray();

        var prefix = SafetensorsLayout.BuildPrefix(ordered.Select(p => p.Stored).ToArray(), metadata);
        var scratch = new ConversionScratch();
        using var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        stream.Write(prefix);
        foreach (var (source, stored) in ordered)
        {
            var from = source.Info.DType;
            var expected = source.Info.ElementCount * from.ByteSize();
            if (source.Ranges is { } ranges)
            {
                var step = Math.Max(from.ByteSize(), rangeBytes - rangeBytes % from.ByteSize());
                for (long offset = 0; offset < expected; offset += step)
                {
                    var length = (int)Math.Min(step, expected - offset);
                    var piece = ranges(offset, length);
                    if (piece.Length != length)
                        throw new InvalidOperationException($"tensor {source.Info.Name}: asked for {length} bytes at {offset}, given {piece.Length}");
                    Write(stream, piece, from, stored.DType, scratch, progress);
                }
            }
            else
            {
                var bytes = source.Bytes();
                if (bytes.Length != expected)
                    throw new InvalidOperationException(
                        $"tensor {source.Info.Name}: {bytes.Length} bytes given, shape × {from.SafetensorsName()} needs {expected}");
                Write(stream, bytes, from, stored.DType, scratch, progress);
            }
        }
        stream.Flush(flushToDisk: true);
    }

    private static void Write(FileStream stream, ReadOnlySpan<byte> bytes, DType from, DType to, ConversionScratch scratch, ProgressCounter? progress)
    {
        var output = from == to ? bytes : scratch.Convert(bytes, from, to);
        stream.Write(output);
        progress?.Add(output.Length);
    }

    internal static void RefuseDuplicateNames(IReadOnlyList<TensorToWrite> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
            if (!names.Add(tensor.Info.Name))
                throw new ArgumentException($"tensor {tensor.Info.Name} is given twice", nameof(tensors));
    }

    /// <summary>Buffers reused across the tensors of one write, grown to the largest piece converted.</summary>
    private sealed class ConversionScratch
    {
        private float[] _floats = [];
        private byte[] _bytes = [];

        public ReadOnlySpan<byte> Convert(ReadOnlySpan<byte> source, DType from, DType to)
        {
            var count = source.Length / from.ByteSize();
            if (_floats.Length < count)
                _floats = new float[count];
            var outLength = count * to.ByteSize();
            if (_bytes.Length < outLength)
                _bytes = new byte[outLength];
            var floats = _floats.AsSpan(0, count);
            FloatConversion.ToSingle(source, from, floats);
            var output = _bytes.AsSpan(0, outLength);
            FloatConversion.FromSingle(floats, to, output);
            return output;
        }
    }
}
