using System.Text.Json;
using System.Text.Json.Nodes;
using Evolve.Text;

namespace Evolve.Tests.Text;

/// <summary>Every fixture string must give exactly the reference library's ids and decodes.</summary>
public sealed class TokenizerReferenceTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama2")]
    [InlineData("llama3")]
    [InlineData("char-level")]
    public void Ids_and_decodes_equal_the_reference_library(string name)
    {
        var fixture = ReferenceFixture.Load(name);
        Assert.True(fixture.Cases.Count >= 300, $"{name}: only {fixture.Cases.Count} cases");
        AssertMatches(TokenizerFiles.Load(name), fixture);
    }

    /// <summary>Arbitrary id sequences, as generation produces them: bytes cut mid-character, specials anywhere,
    /// ids past the vocabulary.</summary>
    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama2")]
    [InlineData("llama3")]
    [InlineData("char-level")]
    public void Decodes_of_arbitrary_ids_equal_the_reference_library(string name)
    {
        var tokenizer = TokenizerFiles.Load(name);
        var path = Path.Combine(RepoPaths.Fixtures, "tokenizers", "decode", name + ".json");
        var cases = JsonNode.Parse(File.ReadAllText(path))!["cases"]!.AsArray();
        Assert.True(cases.Count >= 100, $"{name}: only {cases.Count} decode cases");
        var failures = new List<string>();
        foreach (var c in cases)
        {
            var ids = c!["ids"]!.AsArray().Select(i => i!.GetValue<int>()).ToArray();
            foreach (var (field, skip) in new[] { ("decoded", false), ("decoded_skip_special", true) })
            {
                var expected = c[field]!.GetValue<string>();
                var actual = tokenizer.Decode(ids, skip);
                if (expected != actual)
                    failures.Add($"{field} of {JsonSerializer.Serialize(ids)}: expected {JsonSerializer.Serialize(expected)}, got {JsonSerializer.Serialize(actual)}");
            }
        }
        Assert.True(failures.Count == 0, $"{name}: {failures.Count} mismatches\n" + string.Join("\n", failures.Take(15)));
    }

    public static TheoryData<string> VariantNames =>
        new(Variants().Select(v => v["name"]!.GetValue<string>()));

    /// <summary>A base file with components replaced as variants.json says, so that every supported normalizer,
    /// pre-tokenizer, split behaviour, post-processor, decoder and added-token flag meets the reference.</summary>
    [Theory]
    [MemberData(nameof(VariantNames))]
    public void Variant_ids_decodes_and_pairs_equal_the_reference_library(string name)
    {
        var variant = Variants().Single(v => v["name"]!.GetValue<string>() == name);
        var json = JsonNode.Parse(File.ReadAllText(TokenizerFiles.ByName(variant["base"]!.GetValue<string>())))!.AsObject();
        foreach (var (key, value) in variant["replace"]!.AsObject())
        {
            if (key == "model")
                foreach (var (field, setting) in value!.AsObject())
                    json["model"]![field] = setting?.DeepClone();
            else
                json[key] = value?.DeepClone();
        }
        var file = Path.Combine(RepoPaths.NewTempDir("tokenizer-variant"), "tokenizer.json");
        File.WriteAllText(file, json.ToJsonString());
        var fixture = ReferenceFixture.Load($"variants/{name}");
        Assert.True(fixture.Cases.Count >= 250, $"{name}: only {fixture.Cases.Count} cases");
        AssertMatches(Tokenizer.Load(file), fixture);
    }

    private static IEnumerable<JsonNode> Variants() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "tokenizers", "variants.json")))!["variants"]!.AsArray()!
            .Select(v => v!);

    private static void AssertMatches(Tokenizer tokenizer, ReferenceFixture fixture)
    {
        var failures = new List<string>();
        foreach (var c in fixture.Cases)
        {
            Check(c, "ids", c.Ids, tokenizer.Encode(c.Text));
            Check(c, "ids_no_special", c.IdsNoSpecial, tokenizer.Encode(c.Text, addSpecialTokens: false));
            Check(c, "decoded", c.Decoded, tokenizer.Decode(c.Ids));
            Check(c, "decoded_skip_special", c.DecodedSkipSpecial, tokenizer.Decode(c.Ids, skipSpecialTokens: true));
            if (c.PairIds is not null)
                Check(c, "pair_ids", c.PairIds, tokenizer.Encode(c.Text, fixture.Pair));
        }
        Assert.True(failures.Count == 0, $"{fixture.Tokenizer}: {failures.Count} mismatches\n" + string.Join("\n", failures.Take(15)));

        void Check<T>(ReferenceCase c, string what, T expected, T actual)
        {
            var e = JsonSerializer.Serialize(expected);
            var a = JsonSerializer.Serialize(actual);
            if (e != a)
                failures.Add($"{what} of {JsonSerializer.Serialize(c.Text)}: expected {e}, got {a}");
        }
    }
}
