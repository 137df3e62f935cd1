using System.Buffers.Binary;
using System.Text;

namespace Evolve.Checkpoints;

/// <summary>
/// The byte layout the Rust safetensors crate (and so Python's save_file) writes: tensors sorted by decreasing dtype
/// alignment, then by name (byte order of UTF-8); a compact JSON header with <c>__metadata__</c> first and each entry
/// as dtype, shape, data_offsets; the header padded with spaces to a multiple of 8 bytes; data contiguous from 0.
/// Writing this layout makes our files byte-identical to the reference writer's.
/// </summary>
internal static class SafetensorsLayout
{
    public static int Compare(TensorInfo a, TensorInfo b)
    {
        var byRank = b.DType.SerializationRank().CompareTo(a.DType.SerializationRank());
        return byRank != 0 ? byRank : CompareUtf8(a.Name, b.Name);
    }

    public static int CompareUtf8(string a, string b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    /// <summary>The 8-byte length prefix followed by the padded header, for tensors already in file order.</summary>
    public static byte[] BuildPrefix(IReadOnlyList<TensorInfo> ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new StringBuilder("{");
        if (metadata is { Count: > 0 })
        {
            AppendString(json, SafetensorsHeader.MetadataKey);
            json.Append(":{");
            var first = true;
            foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!first) json.Append(',');
                first = false;
                AppendString(json, key);
                json.Append(':');
                AppendString(json, value);
            }
            json.Append('}');
            if (ordered.Count > 0) json.Append(',');
        }
        long offset = 0;
        for (int i = 0; i < ordered.Count; i++)
        {
            var t = ordered[i];
            var end = offset + t.ElementCount * t.DType.ByteSize();
            if (i > 0) json.Append(',');
            AppendString(json, t.Name);
            json.Append(":{\"dtype\":");
            AppendString(json, t.DType.SafetensorsName());
            json.Append(",\"shape\":[").AppendJoin(',', t.Shape).Append("],\"data_offsets\":[")
                .Append(offset).Append(',').Append(end).Append("]}");
            offset = end;
        }
        json.Append('}');

        var headerLength = Encoding.UTF8.GetByteCount(json.ToString());
        var padded = (headerLength + 7) / 8 * 8;
        var prefix = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        Encoding.UTF8.GetBytes(json.ToString(), prefix.AsSpan(8));
        prefix.AsSpan(8 + headerLength).Fill((byte)' ');
        return prefix;
    }

    /// <summary>JSON string escaping as serde_json does it: only quote, backslash and control characters.</summary>
    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ': json.Append("\\u00").Append(((int)c).ToString("x2")); break;
                default: json.Append(c); break;
            }
        }
        json.Append('"');
    }
}
