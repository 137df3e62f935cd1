using Evolve.Text;

namespace Evolve.Tests.Text;

/// <summary>The S1–S3 rows of reference/tokenizers.md (Rust tokenizers 0.22.2, special tokens added).</summary>
public sealed class TokenizerKnownIdsTests
{
    internal const string S1 = "Hello world! The quick brown fox jumps over the lazy dog.";
    private const string S2 = "  Leading spaces, tabs\tand\nnewlines; numbers 12345 and 3.14159.";
    private const string S3 = "Unicode: naïve café — 你好，世界 🤖 ünïcödé";

    public static TheoryData<string, string, int[]> Rows => new()
    {
        { "llama2", S1, [1, 15043, 3186, 29991, 450, 4996, 17354, 1701, 29916, 432, 17204, 975, 278, 17366, 11203, 29889] },
        { "llama2", S2, [1, 259, 951, 9382, 8162, 29892, 18859, 12, 392, 13, 1482, 9012, 29936, 3694, 29871, 29896, 29906, 29941, 29946, 29945, 322, 29871, 29941, 29889, 29896, 29946, 29896, 29945, 29929, 29889] },
        { "llama2", S3, [1, 23862, 29901, 1055, 30085, 345, 274, 28059, 813, 29871, 30919, 31076, 30214, 30793, 30967, 29871, 243, 162, 167, 153, 2505, 29876, 30085, 29883, 9289, 29948] },
        { "llama3", S1, [9906, 1917, 0, 578, 4062, 14198, 39935, 35308, 927, 279, 16053, 5679, 13] },
        { "llama3", S2, [220, 59143, 12908, 11, 23204, 53577, 198, 943, 8128, 26, 5219, 220, 4513, 1774, 323, 220, 18, 13, 9335, 2946, 13] },
        { "llama3", S3, [35020, 25, 95980, 588, 53050, 2001, 118195, 53901, 3922, 102616, 11410, 97, 244, 107268, 38672, 66, 3029, 67, 978] },
        // The tiny GPT-2 file carries OpenAI's GPT-2 vocabulary and merges, so the plain GPT-2 row holds wherever
        // its extra whitespace tokens do not apply (S2 opens with two spaces, one of those tokens).
        { "gpt2", S1, [15496, 995, 0, 383, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13] },
        { "gpt2", S3, [3118, 291, 1098, 25, 41492, 40304, 851, 220, 19526, 254, 25001, 121, 171, 120, 234, 10310, 244, 45911, 234, 12520, 97, 244, 6184, 120, 77, 26884, 66, 9101, 67, 2634] },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Encodes_the_documented_ids_and_decodes_back(string tokenizer, string text, int[] ids)
    {
        var loaded = TokenizerFiles.Load(tokenizer);
        Assert.Equal(ids, loaded.Encode(text));
        Assert.Equal(text, loaded.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Gpt2_whitespace_added_token_takes_the_leading_spaces()
    {
        var gpt2 = TokenizerFiles.Load("gpt2");
        var ids = gpt2.Encode(S2);
        Assert.Equal(50286, ids[0]);
        Assert.Equal("  ", gpt2.IdToToken(50286));
        Assert.Equal(S2, gpt2.Decode(ids));
    }

    /// <summary>The reference receives text as UTF-8, where a lone UTF-16 surrogate cannot exist and becomes U+FFFD
    /// (which BertNormalizer's clean_text then drops); the Unicode normalizers must never see the lone half.</summary>
    [Fact]
    public void A_lone_surrogate_encodes_as_the_replacement_character()
    {
        var wordLevel = TokenizerFiles.Load("word-level");
        Assert.Equal(wordLevel.Encode("the\uFFFD dog"), wordLevel.Encode("the\uD83E dog"));
        Assert.Equal(wordLevel.Encode("the dog"), wordLevel.Encode("the\uDD16 dog"));
    }
}
