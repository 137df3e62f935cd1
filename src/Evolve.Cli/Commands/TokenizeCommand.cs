using System.CommandLine;
using Evolve.Text;

namespace Evolve.Cli.Commands;

/// <summary>`evolve tokenize`: ids of texts (one JSON array per line), or with --decode the texts of id arrays.</summary>
internal static class TokenizeCommand
{
    public static Command Create(TextWriter stdout)
    {
        var tokenizerOption = new Option<FileInfo>("--tokenizer") { Description = "A Hugging Face tokenizer.json, or the model folder holding it.", Required = true };
        var noSpecialOption = new Option<bool>("--no-special")
        {
            Description = "Encode without the post-processor's special tokens; with --decode, skip special tokens.",
        };
        var decodeOption = new Option<bool>("--decode") { Description = "Decode JSON id arrays such as [1,15043] into text (printed as JSON strings)." };
        var inputs = new Argument<string[]>("TEXT") { Description = "Texts to encode, or id arrays to decode.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("tokenize", "Encode texts to token ids, or decode ids to text, with a tokenizer.json.")
        {
            tokenizerOption, noSpecialOption, decodeOption, inputs,
        };
        command.SetAction(parse =>
        {
            var tokenizer = Tokenizer.Load(parse.GetValue(tokenizerOption)!.FullName);
            var noSpecial = parse.GetValue(noSpecialOption);
            var decode = parse.GetValue(decodeOption);
            var index = 0;
            foreach (var input in parse.GetValue(inputs)!)
            {
                index++;
                stdout.WriteLine(decode
                    ? TokenIds.FormatText(tokenizer.Decode(TokenIds.Parse(input, $"argument {index}"), skipSpecialTokens: noSpecial))
                    : TokenIds.Format(tokenizer.Encode(input, addSpecialTokens: !noSpecial)));
            }
            return 0;
        });
        return command;
    }
}
