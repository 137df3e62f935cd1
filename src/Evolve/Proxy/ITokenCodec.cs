namespace Evolve.Proxy;

/// <summary>What scoring needs of a tokenizer: text to ids and back, and the id that ends an answer.</summary>
internal interface ITokenCodec
{
    int[] Encode(string text, bool addSpecialTokens);

    string Decode(ReadOnlySpan<int> ids);

    int EosId { get; }

    int VocabSize { get; }
}
