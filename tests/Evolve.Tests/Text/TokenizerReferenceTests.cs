using System.Text.Json;
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
        var tokenizer = TokenizerFiles.Load(name);
        var failures = new List<string>();
        foreach (var c in fixture.Cases)
        {
            Check(c, "ids", c.Ids, tokenizer.Encode(c.Text));
            Check(c, "ids_no_special", c.IdsNoSpecial, tokenizer.Encode(c.Text, addSpecialTokens: false));
            Check(c, "decoded", c.Decoded, tokenizer.Decode(c.Ids));
            Check(c, "decoded_skip_special", c.DecodedSkipSpecial, tokenizer.Decode(c.Ids, skipSpecialTokens: true));
        }
        Assert.True(failures.Count == 0, $"{name}: {failures.Count} mismatches\n" + string.Join("\n", failures.Take(15)));

        void Check<T>(ReferenceCase c, string what, T expected, T actual)
        {
            var e = JsonSerializer.Serialize(expected);
            var a = JsonSerializer.Serialize(actual);
            if (e != a)
                failures.Add($"{what} of {JsonSerializer.Serialize(c.Text)}: expected {e}, got {a}");
        }
    }
}
