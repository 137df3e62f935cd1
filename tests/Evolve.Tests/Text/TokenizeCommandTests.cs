using Evolve.Cli;

namespace Evolve.Tests.Text;

public sealed class TokenizeCommandTests
{
    [Fact]
    public void Prints_the_llama2_ids_of_S1()
    {
        var (code, output, _) = Run("tokenize", "--tokenizer", TokenizerFiles.Llama2, TokenizerKnownIdsTests.S1);
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("[1,15043,3186,29991,450,4996,17354,1701,29916,432,17204,975,278,17366,11203,29889]\n", output);
    }

    [Fact]
    public void No_special_drops_the_bos_and_each_text_gets_its_line()
    {
        var (code, output, _) = Run("tokenize", "--tokenizer", TokenizerFiles.Llama2, "--no-special", "Hello world!", "");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("[15043,3186,29991]\n[]\n", output);
    }

    [Fact]
    public void Decode_prints_each_id_array_as_a_json_string()
    {
        var (code, output, _) = Run("tokenize", "--tokenizer", TokenizerFiles.Llama2, "--decode",
            "[1,15043,3186,29991]", "[1,15043,3186,29991]", "--no-special");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("\"Hello world!\"\n\"Hello world!\"\n", output);
        (_, output, _) = Run("tokenize", "--tokenizer", TokenizerFiles.Llama2, "--decode", "[1,15043,3186,29991]");
        Assert.Equal("\"<s> Hello world!\"\n", output);
    }

    [Fact]
    public void Ids_that_are_not_json_are_bad_input()
    {
        var (code, _, error) = Run("tokenize", "--tokenizer", TokenizerFiles.Llama2, "--decode", "[1,2", "[3]");
        Assert.Equal(CliApp.BadInput, code);
        Assert.Contains("argument 1", error);
        Assert.Contains("\"[1,2\" is not a JSON array of integers", error);
    }

    [Fact]
    public void A_missing_tokenizer_file_is_bad_input_naming_the_file()
    {
        var missing = Path.Combine(RepoPaths.NewTempDir("tokenize"), "tokenizer.json");
        var (code, _, error) = Run("tokenize", "--tokenizer", missing, "hi");
        Assert.Equal(CliApp.BadInput, code);
        Assert.Equal($"error: {missing}: file not found. Pass the path of a Hugging Face tokenizer.json, or of the model folder holding it\n", error);
    }

    [Fact]
    public void A_model_folder_stands_for_its_tokenizer_json()
    {
        var (code, output, _) = Run("tokenize", "--tokenizer", Path.GetDirectoryName(TokenizerFiles.Llama2)!, "--no-special", "Hello world!");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("[15043,3186,29991]\n", output);
    }

    [Fact]
    public void Bench_tokenize_agrees_with_the_naive_baseline_on_every_word()
    {
        var (code, output, _) = Run("bench", "tokenize", "--tokenizer", TokenizerFiles.Gpt2, "--chars", "3000", "--repetitions", "1");
        Assert.Equal(CliApp.Ok, code);
        Assert.StartsWith("bench tokenize: 3000 chars, ", output);
        Assert.Contains("(words with differing ids: 0)", output);
    }

    [Fact]
    public void Bench_tokenize_refuses_zero_repetitions()
    {
        var (code, _, error) = Run("bench", "tokenize", "--tokenizer", TokenizerFiles.Gpt2, "--repetitions", "0");
        Assert.Equal(CliApp.BadInput, code);
        Assert.Contains("--repetitions must be at least 1", error);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
