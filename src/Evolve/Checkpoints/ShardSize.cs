using System.Globalization;

namespace Evolve.Checkpoints;

/// <summary>Shard size limits written as transformers accepts them: "5GB" (10^9), "2GiB" (2^30), "500MB", or bytes.</summary>
public static class ShardSize
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("GIB", 1L << 30), ("MIB", 1L << 20), ("KIB", 1L << 10),
        ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000), ("B", 1),
    ];

    /// <param name="where">The option or file the text came from, for the error message.</param>
    public static long Parse(string text, string where)
    {
        var trimmed = text.Trim().ToUpperInvariant();
        foreach (var (suffix, factor) in Units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.Ordinal))
                return Scale(trimmed[..^suffix.Length].Trim(), factor, text, where);
        }
        return Scale(trimmed, 1, text, where);
    }

    private static long Scale(string number, long factor, string text, string where)
    {
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0
            || value * factor > long.MaxValue)
            throw new CheckpointFormatException(where, $"\"{text}\" is not a size",
                "Write a positive size such as 5GB, 2GiB, 500MB or a byte count");
        var bytes = (long)Math.Round(value * factor);
        return bytes < 1 ? throw new CheckpointFormatException(where, $"\"{text}\" is under one byte", "Write a size of at least 1 byte") : bytes;
    }
}
