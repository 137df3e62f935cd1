using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Evolve.Text.Decoders;
using Evolve.Text.Models;
using Evolve.Text.Normalizers;
using Evolve.Text.PostProcessors;
using Evolve.Text.PreTokenizers;

namespace Evolve.Text;

/// <summary>
/// Builds a <see cref="Tokenizer"/> from a Hugging Face tokenizer.json. Every component type the reader does not
/// implement, and every setting that would make ids differ from the reference library's, is refused with a
/// <see cref="TokenizerFormatException"/> naming the JSON path, never silently ignored.
/// </summary>
internal sealed class TokenizerJsonReader
{
    private const string Remedy = "Use a tokenizer.json whose components Evolve supports (see the Text module's list)";

    private readonly string _file;

    private TokenizerJsonReader(string file) => _file = file;

    public static Tokenizer Read(string path)
    {
        if (!System.IO.File.Exists(path))
            throw new TokenizerFormatException(path, null, "file not found",
                "Pass the path of a Hugging Face tokenizer.json, or of the model folder holding it");
        JsonDocument document;
        try
        {
            using var stream = System.IO.File.OpenRead(path);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException(path, $"line {(e.LineNumber ?? 0) + 1}",
                $"malformed JSON ({FirstSentence(e.Message)})", "Fix or re-export the file", e);
        }
        using (document)
            return new TokenizerJsonReader(path).Build(document.RootElement);
    }

    private Tokenizer Build(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw Fail("$", "the top level is not a JSON object");
        var normalizer = Optional(root, "normalizer") is { } n ? ReadNormalizer(n, "normalizer") : null;
        var preTokenizer = Optional(root, "pre_tokenizer") is { } p ? ReadPreTokenizer(p, "pre_tokenizer") : null;
        var model = ReadModel(Required(root, "model", "$"), "model");
        var addedTokens = ReadAddedTokens(root);
        var postProcessor = Optional(root, "post_processor") is { } pp ? ReadPostProcessor(pp, "post_processor") : null;
        var decoder = Optional(root, "decoder") is { } d ? ReadDecoder(d, "decoder") : null;
        return new Tokenizer(_file, normalizer, preTokenizer, model, postProcessor, decoder, addedTokens);
    }

    private List<AddedToken> ReadAddedTokens(JsonElement root)
    {
        var tokens = new List<AddedToken>();
        if (Optional(root, "added_tokens") is not { } array)
            return tokens;
        var index = 0;
        foreach (var item in Array(array, "added_tokens"))
        {
            var path = $"added_tokens[{index++}]";
            tokens.Add(new AddedToken(
                Int(item, "id", path),
                String(item, "content", path),
                Bool(item, "single_word", path, false),
                Bool(item, "lstrip", path, false),
                Bool(item, "rstrip", path, false),
                Bool(item, "normalized", path, true),
                Bool(item, "special", path, false)));
        }
        return tokens;
    }

    private ITokenizerModel ReadModel(JsonElement model, string path)
    {
        // Files written by old versions of the library leave out the model's type; its fields tell it.
        var type = OptionalString(model, "type", path)
            ?? (model.TryGetProperty("merges", out _) ? "BPE" : model.TryGetProperty("vocab", out _) ? "WordLevel" : null);
        switch (type)
        {
            case "BPE":
                return ReadBpe(model, path);
            case "WordLevel":
                return new WordLevelModel(ReadVocabulary(model, path), OptionalString(model, "unk_token", path) ?? "<unk>", _file);
            default:
                throw Fail(path, $"model type \"{type ?? "(none)"}\" is not supported (supported: BPE, WordLevel)", Remedy);
        }
    }

    private BpeModel ReadBpe(JsonElement model, string path)
    {
        if (Optional(model, "dropout") is { } dropout && (dropout.ValueKind != JsonValueKind.Number || dropout.GetDouble() != 0))
            throw Fail($"{path}.dropout", $"BPE dropout is {dropout.GetRawText()}: dropout makes tokenization random",
                "Set \"dropout\" to null for inference");
        var vocabulary = ReadVocabulary(model, path);
        var options = new BpeOptions(
            OptionalString(model, "unk_token", path),
            OptionalString(model, "continuing_subword_prefix", path),
            OptionalString(model, "end_of_word_suffix", path),
            Bool(model, "fuse_unk", path, false),
            Bool(model, "byte_fallback", path, false),
            Bool(model, "ignore_merges", path, false));
        var mergeList = Optional(model, "merges");
        var merges = new Dictionary<long, BpeMerge>(mergeList?.ValueKind == JsonValueKind.Array ? mergeList.Value.GetArrayLength() : 0);
        var prefix = options.ContinuingSubwordPrefix ?? "";
        var buffer = new char[256];
        var index = 0;
        foreach (var merge in mergeList is { } m ? Array(m, $"{path}.merges") : [])
        {
            var rank = merges.Count;
            var position = index++;
            if (!TryMergePair(merge, out var line, out var leftLength, out var rightStart))
            {
                if (line?.StartsWith("#version", StringComparison.Ordinal) == true)
                    continue;
                throw Fail($"{path}.merges[{position}]", $"merge {merge.GetRawText()} is not \"a b\" nor [\"a\", \"b\"]");
            }
            var left = line.AsSpan(0, leftLength);
            var right = line.AsSpan(rightStart);
            if (!vocabulary.TryGetId(left, out var leftId) || !vocabulary.TryGetId(right, out var rightId))
                throw Fail($"{path}.merges[{position}]", $"merge \"{left} {right}\" uses a token that is not in {path}.vocab");
            // With a continuing-subword prefix, "a" + "##b" makes "ab".
            var tail = prefix.Length > 0 && right.StartsWith(prefix, StringComparison.Ordinal) ? right[prefix.Length..] : right;
            if (buffer.Length < left.Length + tail.Length)
                buffer = new char[left.Length + tail.Length];
            left.CopyTo(buffer);
            tail.CopyTo(buffer.AsSpan(left.Length));
            var merged = buffer.AsSpan(0, left.Length + tail.Length);
            if (!vocabulary.TryGetId(merged, out var newId))
                throw Fail($"{path}.merges[{position}]", $"the result \"{merged}\" of merge \"{left} {right}\" is not in {path}.vocab");
            merges.TryAdd(BpeMerge.Key(leftId, rightId), new BpeMerge(rank, newId));
        }
        return new BpeModel(vocabulary, merges, options, _file);
    }

    /// <summary>
    /// A merge as "a b" (split at its only space) or ["a", "b"] (tokens that may hold spaces), given as one string
    /// with the bounds of both tokens so the caller can look them up without allocating.
    /// </summary>
    private static bool TryMergePair(JsonElement merge, out string? line, out int leftLength, out int rightStart)
    {
        line = null;
        leftLength = rightStart = 0;
        if (merge.ValueKind == JsonValueKind.String)
        {
            line = merge.GetString()!;
            leftLength = line.IndexOf(' ');
            rightStart = leftLength + 1;
            return leftLength >= 0 && line.IndexOf(' ', rightStart) < 0;
        }
        if (merge.ValueKind != JsonValueKind.Array || merge.GetArrayLength() != 2
            || merge[0].ValueKind != JsonValueKind.String || merge[1].ValueKind != JsonValueKind.String)
            return false;
        var left = merge[0].GetString()!;
        line = left + merge[1].GetString();
        leftLength = rightStart = left.Length;
        return true;
    }

    private Vocabulary ReadVocabulary(JsonElement model, string path)
    {
        var vocab = Required(model, "vocab", path);
        if (vocab.ValueKind != JsonValueKind.Object)
            throw Fail($"{path}.vocab", "the vocabulary is not an object of token: id");
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocab.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
                throw Fail($"{path}.vocab", $"token \"{entry.Name}\" has id {entry.Value.GetRawText()}, not a non-negative integer");
            ids[entry.Name] = id;
        }
        return new Vocabulary(ids);
    }

    private INormalizer ReadNormalizer(JsonElement element, string path)
    {
        var type = String(element, "type", path);
        switch (type)
        {
            case "NFC": return new UnicodeFormNormalizer(NormalizationForm.FormC);
            case "NFD": return new UnicodeFormNormalizer(NormalizationForm.FormD);
            case "NFKC": return new UnicodeFormNormalizer(NormalizationForm.FormKC);
            case "NFKD": return new UnicodeFormNormalizer(NormalizationForm.FormKD);
            case "Lowercase": return new LowercaseNormalizer();
            case "StripAccents": return new StripAccentsNormalizer();
            case "Strip": return new StripNormalizer(Bool(element, "strip_left", path, true), Bool(element, "strip_right", path, true));
            case "Prepend": return new PrependNormalizer(String(element, "prepend", path));
            case "Replace": return new ReplaceNormalizer(ReadPattern(element, path), String(element, "content", path));
            case "BertNormalizer":
                return new BertNormalizer(
                    Bool(element, "clean_text", path, true),
                    Bool(element, "handle_chinese_chars", path, true),
                    Optional(element, "strip_accents") is { } s ? s.ValueKind == JsonValueKind.True : null,
                    Bool(element, "lowercase", path, true));
            case "Sequence":
                return new SequenceNormalizer(Items(element, "normalizers", path, ReadNormalizer));
            default:
                throw Fail(path, $"normalizer type \"{type}\" is not supported", Remedy);
        }
    }

    private IPreTokenizer ReadPreTokenizer(JsonElement element, string path)
    {
        var type = String(element, "type", path);
        switch (type)
        {
            case "ByteLevel":
                return new ByteLevelPreTokenizer(Bool(element, "add_prefix_space", path, true), Bool(element, "use_regex", path, true));
            case "Split":
                return new SplitPreTokenizer(ReadPattern(element, path), Behavior(element, path, null), Bool(element, "invert", path, false));
            case "Metaspace":
                return new MetaspacePreTokenizer(Replacement(element, path), ReadPrependScheme(element, path), Bool(element, "split", path, true));
            case "Digits":
                return new DigitsPreTokenizer(Bool(element, "individual_digits", path, false));
            case "Whitespace":
                return new WhitespacePreTokenizer();
            case "WhitespaceSplit":
                return new WhitespaceSplitPreTokenizer();
            case "Punctuation":
                return new PunctuationPreTokenizer(Behavior(element, path, SplitDelimiterBehavior.Isolated));
            case "BertPreTokenizer":
                return new SequencePreTokenizer([new WhitespaceSplitPreTokenizer(), new PunctuationPreTokenizer(SplitDelimiterBehavior.Isolated)]);
            case "Sequence":
                return new SequencePreTokenizer(Items(element, "pretokenizers", path, ReadPreTokenizer));
            default:
                throw Fail(path, $"pre-tokenizer type \"{type}\" is not supported", Remedy);
        }
    }

    private IPostProcessor ReadPostProcessor(JsonElement element, string path)
    {
        var type = String(element, "type", path);
        switch (type)
        {
            case "TemplateProcessing":
                return ReadTemplate(element, path);
            case "ByteLevel":
                return new IdentityProcessor();
            case "BertProcessing":
                return new SurroundProcessor(SpecialPair(element, "cls", path), SpecialPair(element, "sep", path), doubleSeparator: false);
            case "RobertaProcessing":
                return new SurroundProcessor(SpecialPair(element, "cls", path), SpecialPair(element, "sep", path), doubleSeparator: true);
            case "Sequence":
                return new SequenceProcessor(Items(element, "processors", path, ReadPostProcessor));
            default:
                throw Fail(path, $"post-processor type \"{type}\" is not supported", Remedy);
        }
    }

    /// <summary>Bert/Roberta write a special token as ["[CLS]", 101]; the id is what counts.</summary>
    private int SpecialPair(JsonElement element, string name, string path)
    {
        var pair = Required(element, name, path);
        if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 || !pair[1].TryGetInt32(out var id))
            throw Fail($"{path}.{name}", "expected [token, id]");
        return id;
    }

    private TemplateProcessor ReadTemplate(JsonElement element, string path)
    {
        var specials = new Dictionary<string, int[]>(StringComparer.Ordinal);
        if (Optional(element, "special_tokens") is { } map)
        {
            foreach (var entry in map.EnumerateObject())
            {
                var ids = Required(entry.Value, "ids", $"{path}.special_tokens.{entry.Name}");
                specials[entry.Name] = ids.EnumerateArray().Select(i => i.GetInt32()).ToArray();
            }
        }
        return new TemplateProcessor(
            ReadTemplatePieces(element, "single", path, specials),
            ReadTemplatePieces(element, "pair", path, specials));
    }

    private List<TemplatePiece> ReadTemplatePieces(JsonElement element, string name, string path, Dictionary<string, int[]> specials)
    {
        var pieces = new List<TemplatePiece>();
        if (Optional(element, name) is not { } template)
            return pieces;
        var index = 0;
        foreach (var item in Array(template, $"{path}.{name}"))
        {
            var itemPath = $"{path}.{name}[{index++}]";
            if (item.TryGetProperty("Sequence", out var sequence))
            {
                var id = String(sequence, "id", itemPath + ".Sequence");
                pieces.Add(new TemplatePiece.Sequence(id switch
                {
                    "A" => false,
                    "B" => true,
                    _ => throw Fail(itemPath, $"sequence id \"{id}\" is neither A nor B"),
                }));
            }
            else if (item.TryGetProperty("SpecialToken", out var special))
            {
                var id = String(special, "id", itemPath + ".SpecialToken");
                if (!specials.TryGetValue(id, out var ids))
                    throw Fail(itemPath, $"special token \"{id}\" is not listed in {path}.special_tokens");
                pieces.Add(new TemplatePiece.Special(ids));
            }
            else
            {
                throw Fail(itemPath, "a template item must be {\"Sequence\": …} or {\"SpecialToken\": …}");
            }
        }
        return pieces;
    }

    private IDecoder ReadDecoder(JsonElement element, string path)
    {
        var type = String(element, "type", path);
        switch (type)
        {
            case "ByteLevel": return new ByteLevelDecoder();
            case "ByteFallback": return new ByteFallbackDecoder();
            case "Fuse": return new FuseDecoder();
            case "Strip":
                return new StripDecoder(SingleChar(element, "content", path), Int(element, "start", path), Int(element, "stop", path));
            case "Replace": return new ReplaceDecoder(ReadPattern(element, path), String(element, "content", path));
            case "Metaspace":
                return new MetaspaceDecoder(Replacement(element, path), ReadPrependScheme(element, path) != PrependScheme.Never);
            case "WordPiece":
                return new WordPieceDecoder(OptionalString(element, "prefix", path) ?? "##", Bool(element, "cleanup", path, true));
            case "BPEDecoder":
                return new BpeSuffixDecoder(OptionalString(element, "suffix", path) ?? "</w>");
            case "Sequence":
                return new SequenceDecoder(Items(element, "decoders", path, ReadDecoder));
            default:
                throw Fail(path, $"decoder type \"{type}\" is not supported", Remedy);
        }
    }

    private Regex ReadPattern(JsonElement element, string path)
    {
        var pattern = Required(element, "pattern", path);
        var patternPath = $"{path}.pattern";
        if (pattern.TryGetProperty("String", out var literal) && literal.ValueKind == JsonValueKind.String)
            return TokenizerRegex.Literal(literal.GetString()!);
        if (pattern.TryGetProperty("Regex", out var regex) && regex.ValueKind == JsonValueKind.String)
        {
            try
            {
                return TokenizerRegex.FromPattern(regex.GetString()!);
            }
            catch (ArgumentException e)
            {
                throw Fail(patternPath, $"the regex cannot be compiled by .NET ({e.Message})", Remedy);
            }
        }
        throw Fail(patternPath, "a pattern must be {\"String\": …} or {\"Regex\": …}");
    }

    private SplitDelimiterBehavior Behavior(JsonElement element, string path, SplitDelimiterBehavior? fallback)
    {
        var name = OptionalString(element, "behavior", path);
        if (name is null && fallback is { } value)
            return value;
        return name switch
        {
            "Removed" => SplitDelimiterBehavior.Removed,
            "Isolated" => SplitDelimiterBehavior.Isolated,
            "MergedWithPrevious" => SplitDelimiterBehavior.MergedWithPrevious,
            "MergedWithNext" => SplitDelimiterBehavior.MergedWithNext,
            "Contiguous" => SplitDelimiterBehavior.Contiguous,
            _ => throw Fail($"{path}.behavior", $"split behavior \"{name ?? "(none)"}\" is not one of Removed, Isolated, "
                + "MergedWithPrevious, MergedWithNext, Contiguous"),
        };
    }

    private PrependScheme ReadPrependScheme(JsonElement element, string path)
    {
        var scheme = OptionalString(element, "prepend_scheme", path);
        if (scheme is null)
            return Bool(element, "add_prefix_space", path, true) ? PrependScheme.Always : PrependScheme.Never;
        return scheme switch
        {
            "always" => PrependScheme.Always,
            "first" => PrependScheme.First,
            "never" => PrependScheme.Never,
            _ => throw Fail($"{path}.prepend_scheme", $"prepend_scheme \"{scheme}\" is not one of always, first, never"),
        };
    }

    private char Replacement(JsonElement element, string path) =>
        Optional(element, "replacement") is null ? '\u2581' : SingleChar(element, "replacement", path);

    private char SingleChar(JsonElement element, string name, string path)
    {
        var value = String(element, name, path);
        if (value.Length != 1)
            throw Fail($"{path}.{name}", $"\"{value}\" must be exactly one character");
        return value[0];
    }

    private List<T> Items<T>(JsonElement element, string name, string path, Func<JsonElement, string, T> read)
    {
        var items = new List<T>();
        var index = 0;
        foreach (var item in Array(Required(element, name, path), $"{path}.{name}"))
        {
            items.Add(read(item, $"{path}.{name}[{index}]"));
            index++;
        }
        return items;
    }

    private static JsonElement? Optional(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    private JsonElement Required(JsonElement element, string name, string path) =>
        Optional(element, name) ?? throw Fail(path, $"the field \"{name}\" is missing");

    private JsonElement.ArrayEnumerator Array(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : throw Fail(path, "expected a JSON array");

    private string String(JsonElement element, string name, string path) =>
        OptionalString(element, name, path) ?? throw Fail(path, $"the field \"{name}\" is missing");

    private string? OptionalString(JsonElement element, string name, string path) => Optional(element, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw Fail($"{path}.{name}", "expected a string"),
    };

    private bool Bool(JsonElement element, string name, string path, bool fallback) => Optional(element, name) switch
    {
        null => fallback,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw Fail($"{path}.{name}", "expected true or false"),
    };

    private int Int(JsonElement element, string name, string path) => Optional(element, name) switch
    {
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var i) => i,
        null => throw Fail(path, $"the field \"{name}\" is missing"),
        _ => throw Fail($"{path}.{name}", "expected an integer"),
    };

    private TokenizerFormatException Fail(string path, string problem, string? remedy = null) => new(_file, path, problem, remedy);

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }
}
