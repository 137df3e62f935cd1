namespace Evolve.Proxy.Scoring;

/// <summary>
/// A proxy item tokenized once per proxy set: the prompt with the tokenizer's special tokens, and the reference
/// answer without them, followed by the end-of-sequence id the model must also predict.
/// </summary>
internal sealed record EncodedItem(ProxyItem Item, int[] PromptIds, int[] AnswerIds)
{
    public int Length => PromptIds.Length + AnswerIds.Length;

    public static EncodedItem Encode(ProxyItem item, ITokenCodec codec)
    {
        var answer = codec.Encode(item.ReferenceAnswer, addSpecialTokens: false);
        return new EncodedItem(item, codec.Encode(item.Prompt, addSpecialTokens: true), [.. answer, codec.EosId]);
    }
}
