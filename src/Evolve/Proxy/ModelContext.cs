using System.Text.Json.Nodes;
using Evolve.Checkpoints;
using Evolve.Proxy.Scoring;

namespace Evolve.Proxy;

/// <summary>
/// The longest token row a model accepts (config.json's max_position_embeddings, or a fixed sequence dimension of
/// the graph) and where that figure comes from, so an item too long for it fails before any forward pass.
/// </summary>
internal sealed record ModelContext(int Length, string Source)
{
    public static ModelContext? FromConfig(HfModelFolder model) =>
        model.Config?.Raw["max_position_embeddings"] is JsonValue value && value.TryGetValue<int>(out var length)
            ? new ModelContext(length, Path.Combine(model.Path, "config.json") + " max_position_embeddings")
            : null;

    public void Check(EncodedItem item, int maxNewTokens)
    {
        var longest = item.LongestRow(maxNewTokens);
        if (longest > Length)
            throw new ProxySetException(item.Item.Source,
                $"the prompt ({item.PromptIds.Length} tokens) with its longest continuation or generation needs {longest} positions but the model's context holds {Length} ({Source})",
                "shorten the prompt or lower max_new_tokens");
    }
}
