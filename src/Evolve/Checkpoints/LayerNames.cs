namespace Evolve.Checkpoints;

/// <summary>
/// The transformer layer a tensor belongs to, from its name under the Hugging Face conventions: the first
/// "layers.N", "h.N", "layer.N", "blocks.N" or "block.N" pair of name segments (model.layers.N., transformer.h.N.,
/// model.decoder.layers.N., gpt_neox.layers.N., encoder.layer.N., language_model.model.layers.N., transformer.blocks.N.
/// …). Embeddings, the final norm and lm_head belong to no layer.
/// </summary>
public static class LayerNames
{
    private static readonly HashSet<string> LayerContainers = new(StringComparer.Ordinal) { "layers", "h", "layer", "blocks", "block" };

    public static int? LayerIndex(string tensorName)
    {
        var segments = tensorName.Split('.');
        for (int i = 0; i + 1 < segments.Length; i++)
        {
            if (LayerContainers.Contains(segments[i]) && IsIndex(segments[i + 1])
                && int.TryParse(segments[i + 1], out var index))
                return index;
        }
        return null;
    }

    private static bool IsIndex(string segment) => segment.Length > 0 && segment.All(char.IsAsciiDigit);
}
