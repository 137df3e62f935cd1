using System.Text.Json;
using System.Text.Json.Nodes;
using Evolve.Checkpoints;
using Evolve.Text;

namespace Evolve.Proxy;

/// <summary>A tokenizer.json tokenizer with the model's end-of-sequence id, as scoring uses them.</summary>
internal sealed class TokenizerCodec(Tokenizer tokenizer, int eosId) : ITokenCodec
{
    public Tokenizer Tokenizer { get; } = tokenizer;

    public int EosId { get; } = eosId;

    public int VocabSize => Tokenizer.VocabularySize;

    public int[] Encode(string text, bool addSpecialTokens) => Tokenizer.Encode(text, addSpecialTokens);

    public string Decode(ReadOnlySpan<int> ids) => Tokenizer.Decode(ids, skipSpecialTokens: true);

    /// <summary>
    /// The tokenizer of a model folder: its tokenizer.json, and the end-of-sequence id from config.json's
    /// eos_token_id (the first, when it lists several) or else tokenizer_config.json's eos_token.
    /// </summary>
    public static TokenizerCodec ForModel(HfModelFolder model)
    {
        var file = Path.Combine(model.Path, "tokenizer.json");
        if (!File.Exists(file))
            throw new TokenizerFormatException(file, null, "not found", "copy the base model's tokenizer.json beside the weights");
        var tokenizer = Tokenizer.Load(file);
        return new TokenizerCodec(tokenizer, EosFromConfig(model) ?? EosFromTokenizerConfig(model.Path, tokenizer)
            ?? throw new TokenizerFormatException(file, null, "no end-of-sequence token: config.json has no eos_token_id and tokenizer_config.json no eos_token",
                "add \"eos_token_id\" to the model's config.json"));
    }

    private static int? EosFromConfig(HfModelFolder model) =>
        model.Config?.Raw["eos_token_id"] switch
        {
            JsonValue value when value.TryGetValue<int>(out var id) => id,
            JsonArray { Count: > 0 } list when list[0] is JsonValue first && first.TryGetValue<int>(out var id) => id,
            _ => null,
        };

    private static int? EosFromTokenizerConfig(string folder, Tokenizer tokenizer)
    {
        var path = Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(path))
            return null;
        var eos = JsonNode.Parse(File.ReadAllText(path))?["eos_token"];
        var content = eos switch
        {
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            JsonObject added => added["content"]?.GetValue<string>(),
            _ => null,
        };
        return content is null ? null : tokenizer.TokenToId(content);
    }
}
