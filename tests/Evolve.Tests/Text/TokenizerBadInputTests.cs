using Evolve.Text;

namespace Evolve.Tests.Text;

/// <summary>Every refusal names the file and the JSON path of the component at fault.</summary>
public sealed class TokenizerBadInputTests
{
    private const string MinimalModel =
        "\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [\"a b\"]}";

    [Fact]
    public void Missing_file()
    {
        var path = Path.Combine(RepoPaths.NewTempDir("tokenizer"), "absent.json");
        var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(path));
        Assert.Equal(path, e.File);
        Assert.Null(e.JsonPath);
        Assert.StartsWith($"{path}: file not found", e.Message);
    }

    [Fact]
    public void Malformed_json_names_the_line()
    {
        var path = Write("{\n  \"model\": {\n    \"type\": \"BPE\",,\n  }\n}");
        var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(path));
        Assert.Equal("line 3", e.JsonPath);
        Assert.StartsWith($"{path} at line 3: malformed JSON", e.Message);
    }

    [Fact]
    public void Unsupported_model_type()
    {
        var path = Write("{\"model\": {\"type\": \"Unigram\", \"vocab\": [[\"a\", -1.0]]}}");
        var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(path));
        Assert.Equal("model", e.JsonPath);
        Assert.StartsWith($"{path} at model: model type \"Unigram\" is not supported", e.Message);
    }

    [Fact]
    public void Unsupported_pre_tokenizer_inside_a_sequence()
    {
        var path = Write("{\"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Digits\"}, "
            + "{\"type\": \"UnicodeScripts\"}]}, " + MinimalModel + "}");
        var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(path));
        Assert.Equal("pre_tokenizer.pretokenizers[1]", e.JsonPath);
        Assert.StartsWith($"{path} at pre_tokenizer.pretokenizers[1]: pre-tokenizer type \"UnicodeScripts\" is not supported", e.Message);
    }

    [Fact]
    public void Unsupported_normalizer_and_decoder()
    {
        var path = Write("{\"normalizer\": {\"type\": \"Precompiled\", \"precompiled_charsmap\": \"\"}, " + MinimalModel + "}");
        Assert.Equal("normalizer", Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(path)).JsonPath);
        path = Write("{\"decoder\": {\"type\": \"Sequence\", \"decoders\": [{\"type\": \"CTC\"}]}, " + MinimalModel + "}");
        Assert.Equal("decoder.decoders[0]", Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(path)).JsonPath);
    }

    [Fact]
    public void Dropout_is_refused()
    {
        var path = Write("{\"model\": {\"type\": \"BPE\", \"dropout\": 0.1, \"vocab\": {\"a\": 0}, \"merges\": []}}");
        var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(path));
        Assert.Equal("model.dropout", e.JsonPath);
        Assert.StartsWith($"{path} at model.dropout: BPE dropout is 0.1", e.Message);
    }

    [Fact]
    public void Merge_of_unknown_tokens_names_its_index()
    {
        var path = Write("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [[\"a\", \"b\"], [\"a\", \"c\"]]}}");
        var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(path));
        Assert.Equal("model.merges[1]", e.JsonPath);
    }

    [Fact]
    public void Regex_dotnet_cannot_compile_names_the_pattern()
    {
        var path = Write("{\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \"(?<=a\"}, \"behavior\": \"Isolated\", "
            + "\"invert\": false}, " + MinimalModel + "}");
        var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(path));
        Assert.Equal("pre_tokenizer.pattern", e.JsonPath);
    }

    private static string Write(string json)
    {
        var path = Path.Combine(RepoPaths.NewTempDir("tokenizer"), "tokenizer.json");
        File.WriteAllText(path, json);
        return path;
    }
}
