using Evolve.Checkpoints;

namespace Evolve.Merging.Planning;

/// <summary>
/// Splits a decoder-layer tensor name into (prefix, layer index, rest) at the segment pair
/// <see cref="LayerNames.LayerIndex"/> recognizes, so slices can renumber layers; other tensors are embeddings
/// (names with "embed", "wte" or "wpe": planned before the layers) or final weights (norm, lm_head: after them).
/// </summary>
internal static class LayerName
{
    public static bool TryParse(string name, out string prefix, out int index, out string rest)
    {
        (prefix, index, rest) = ("", -1, "");
        if (LayerNames.LayerIndex(name) is not { } i) return false;
        var text = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var segments = name.Split('.');
        for (int s = 1; s + 1 < segments.Length; s++)
        {
            // The first index segment whose prefix already names the layer is the container pair itself.
            if (segments[s] != text || LayerNames.LayerIndex(string.Join('.', segments[..(s + 1)]) + ".x") != i) continue;
            prefix = string.Join('.', segments[..s]);
            rest = string.Join('.', segments[(s + 1)..]);
            index = i;
            return true;
        }
        return false;
    }

    public static string Compose(string prefix, int index, string rest) =>
        $"{prefix}.{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{rest}";

    public static bool IsEmbedding(string name) =>
        name.Contains("embed", StringComparison.Ordinal) || name.Contains("wte", StringComparison.Ordinal) || name.Contains("wpe", StringComparison.Ordinal);

    /// <summary>1 + the largest layer index among the names (0 when none is a layer tensor).</summary>
    public static int CountLayers(IEnumerable<string> names)
    {
        int max = -1;
        foreach (var n in names)
            if (LayerNames.LayerIndex(n) is { } i) max = Math.Max(max, i);
        return max + 1;
    }
}
