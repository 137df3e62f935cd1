using Evolve.Formats;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Evolve.Merging.Recipes;

/// <summary>
/// Reads and writes mergekit YAML. Reading records the line of every key for located errors and validates the
/// recipe against its method's declarations (<see cref="RecipeValidator"/>); writing emits number lists in flow
/// style as mergekit does, and what is written reads back to an equal <see cref="Recipe"/>.
/// </summary>
internal static class RecipeYaml
{
    private static readonly string[] TopLevelKeys =
        ["merge_method", "base_model", "parameters", "models", "slices", "dtype", "out_dtype", "tokenizer_source", "tokenizer", "chat_template"];

    public static Recipe Load(string path)
    {
        if (!File.Exists(path))
            throw new RecipeException(path, "recipe file not found", "Check the path");
        return Parse(File.ReadAllText(path), path);
    }

    public static Recipe Parse(string yaml, string? file = null)
    {
        var map = new SourceMap(file);
        var where = file ?? "recipe";
        var stream = YamlText.Parse(yaml, (line, problem, e) =>
            new RecipeException(line is null ? where : $"{where}:{line}", $"not valid YAML ({problem})", null, e));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new RecipeException(where, "a recipe must be a YAML mapping with at least merge_method");
        var reader = new Reader(map);
        var recipe = reader.ReadRecipe(root) with { Source = map };
        RecipeValidator.Validate(recipe);
        return recipe;
    }

    private sealed class Reader(SourceMap map)
    {
        public Recipe ReadRecipe(YamlMappingNode root)
        {
            foreach (var (key, value) in root.Children)
            {
                var name = Scalar(key, "");
                map.Record(name, (int)key.Start.Line);
                if (!TopLevelKeys.Contains(name))
                    throw new RecipeException(map.Locate(name), $"unknown key '{name}'",
                        $"Known keys: {string.Join(", ", TopLevelKeys)} (the 'modules' layout is not supported)");
            }
            var method = Text(root, "merge_method", "") ?? throw new RecipeException(map.Locate(""), "merge_method is missing");
            var baseModel = Text(root, "base_model", "base_model") is { } b ? ModelReference.Parse(b) : null;
            var parameters = Parameters(Child(root, "parameters"), "parameters");
            ValueList<ModelEntry>? models = null;
            ValueList<SliceEntry>? slices = null;
            if (Child(root, "models") is { } modelsNode) models = new(Items(modelsNode, "models").Select((n, i) => ModelEntry(n, $"models[{i}]")));
            if (Child(root, "slices") is { } slicesNode) slices = new(Items(slicesNode, "slices").Select((n, i) => Slice(n, $"slices[{i}]")));
            var tokenizer = Text(root, "tokenizer_source", "tokenizer_source");
            if (Child(root, "tokenizer") is { } tokenizerNode)
            {
                if (tokenizer is not null)
                    throw new RecipeException(map.Locate("tokenizer"), "tokenizer and tokenizer_source cannot both be set", "Keep one of them");
                tokenizer = TokenizerObject(tokenizerNode);
            }
            return new Recipe(method, baseModel, parameters, models, slices,
                Text(root, "dtype", "dtype"), Text(root, "out_dtype", "out_dtype"), tokenizer, Text(root, "chat_template", "chat_template"));
        }

        private string TokenizerObject(YamlNode node)
        {
            var mapping = node as YamlMappingNode ?? throw new RecipeException(map.Locate("tokenizer"), "tokenizer must be a mapping");
            foreach (var (key, _) in mapping.Children)
            {
                var name = Scalar(key, "tokenizer");
                if (name != "source")
                    throw new RecipeException($"{map.File ?? "recipe"}:{key.Start.Line}", $"tokenizer.{name} is not supported",
                        "Evolve copies one model's tokenizer unchanged; remove tokens/pad_to_multiple_of or use tokenizer_source");
            }
            return Text(mapping, "source", "tokenizer") ?? "union";
        }

        private ModelEntry ModelEntry(YamlNode node, string path)
        {
            if (node is YamlScalarNode s) return new ModelEntry(ModelReference.Parse(s.Value ?? ""), ParameterMap.Empty);
            var m = Mapping(node, path);
            CheckKeys(m, path, "model", "parameters");
            var model = Text(m, "model", path) ?? throw new RecipeException(map.Locate(path), "model is missing");
            return new ModelEntry(ModelReference.Parse(model), Parameters(Child(m, "parameters"), path + ".parameters"));
        }

        private SliceEntry Slice(YamlNode node, string path)
        {
            var m = Mapping(node, path);
            CheckKeys(m, path, "sources", "base_model", "parameters");
            var sourcesNode = Child(m, "sources") ?? throw new RecipeException(map.Locate(path), "a slice needs sources");
            var sources = Items(sourcesNode, path + ".sources").Select((n, i) => Source(n, $"{path}.sources[{i}]"));
            var baseModel = Text(m, "base_model", path + ".base_model") is { } b ? ModelReference.Parse(b) : null;
            return new SliceEntry(new(sources), baseModel, Parameters(Child(m, "parameters"), path + ".parameters"));
        }

        private SliceSource Source(YamlNode node, string path)
        {
            var m = Mapping(node, path);
            CheckKeys(m, path, "model", "layer_range", "parameters");
            var model = Text(m, "model", path) ?? throw new RecipeException(map.Locate(path), "model is missing");
            LayerRange? range = null;
            if (Child(m, "layer_range") is { } rangeNode)
            {
                var at = path + ".layer_range";
                map.Record(at, (int)rangeNode.Start.Line);
                var items = rangeNode is YamlSequenceNode seq ? seq.Children : [];
                if (items.Count != 2 || !int.TryParse(Scalar(items[0], at), out var start) || !int.TryParse(Scalar(items[1], at), out var end))
                    throw new RecipeException(map.Locate(at), "layer_range must be [start, end] with two integers");
                if (start < 0 || end <= start)
                    throw new RecipeException(map.Locate(at), $"layer_range [{start}, {end}] is empty or negative", "Use [start, end) with 0 <= start < end");
                range = new LayerRange(start, end);
            }
            return new SliceSource(ModelReference.Parse(model), range, Parameters(Child(m, "parameters"), path + ".parameters"));
        }

        private ParameterMap Parameters(YamlNode? node, string path)
        {
            if (node is null) return ParameterMap.Empty;
            var m = Mapping(node, path);
            var entries = new List<ParameterEntry>();
            foreach (var (key, value) in m.Children)
            {
                var name = Scalar(key, path);
                map.Record($"{path}.{name}", (int)key.Start.Line);
                entries.Add(new ParameterEntry(name, Setting(value, $"{path}.{name}")));
            }
            return new ParameterMap(new ValueList<ParameterEntry>(entries));
        }

        private ParameterSetting Setting(YamlNode node, string path)
        {
            switch (node)
            {
                case YamlScalarNode s:
                    return ScalarSetting(s);
                case YamlSequenceNode seq when seq.Children.Count > 0 && seq.Children.All(c => c is YamlMappingNode):
                    return new FilteredSetting(new(seq.Children.Select((c, i) => Clause((YamlMappingNode)c, $"{path}[{i}]"))));
                case YamlSequenceNode seq when seq.Children.Count > 0 && seq.Children.All(c => c is YamlScalarNode s && IsNumber(s)):
                    return new GradientSetting(new(seq.Children.Select(c => ParseNumber(((YamlScalarNode)c).Value!))));
                case YamlSequenceNode seq when seq.Children.Count > 0:
                    return new ChoiceSetting(new(seq.Children.Select((c, i) => Setting(c, $"{path}[{i}]"))));
                default:
                    throw new RecipeException(map.Locate(path), "a parameter value must be a number, a boolean, a list of numbers or a list of {filter, value}");
            }
        }

        private FilterClause Clause(YamlMappingNode m, string path)
        {
            map.Record(path, (int)m.Start.Line);
            CheckKeys(m, path, "filter", "value");
            var valueNode = Child(m, "value") ?? throw new RecipeException(map.Locate(path), "a filter clause needs a value");
            var filter = Child(m, "filter") is YamlScalarNode f && !IsNull(f) ? f.Value : null;
            return new FilterClause(filter, Setting(valueNode, path + ".value"));
        }

        private static ParameterSetting ScalarSetting(YamlScalarNode s)
        {
            var v = s.Value ?? "";
            if (s.Style == ScalarStyle.Plain)
            {
                if (v is "true" or "True" or "TRUE") return new BoolSetting(true);
                if (v is "false" or "False" or "FALSE") return new BoolSetting(false);
                if (IsNumber(s)) return new NumberSetting(ParseNumber(v));
            }
            return new TextSetting(v);
        }

        private static bool IsNumber(YamlScalarNode s) =>
            s.Style == ScalarStyle.Plain && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

        private static double ParseNumber(string v) => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture);

        private static bool IsNull(YamlScalarNode s) => s.Style == ScalarStyle.Plain && s.Value is null or "" or "null" or "~";

        private void CheckKeys(YamlMappingNode m, string path, params string[] allowed)
        {
            foreach (var (key, _) in m.Children)
            {
                var name = Scalar(key, path);
                map.Record($"{path}.{name}", (int)key.Start.Line);
                if (!allowed.Contains(name))
                    throw new RecipeException(map.Locate($"{path}.{name}"), $"unknown key '{name}' in {path}", $"Allowed here: {string.Join(", ", allowed)}");
            }
        }

        private YamlMappingNode Mapping(YamlNode node, string path)
        {
            map.Record(path, (int)node.Start.Line);
            return node as YamlMappingNode ?? throw new RecipeException(map.Locate(path), $"{path} must be a mapping");
        }

        private IEnumerable<YamlNode> Items(YamlNode node, string path)
        {
            map.Record(path, (int)node.Start.Line);
            return node is YamlSequenceNode seq ? seq.Children : throw new RecipeException(map.Locate(path), $"{path} must be a list");
        }

        private static YamlNode? Child(YamlMappingNode m, string key) =>
            m.Children.TryGetValue(new YamlScalarNode(key), out var v) && !(v is YamlScalarNode s && IsNull(s)) ? v : null;

        private string? Text(YamlMappingNode m, string key, string path) =>
            Child(m, key) is { } node ? Scalar(node, path) : null;

        private string Scalar(YamlNode node, string path) =>
            node is YamlScalarNode s ? s.Value ?? "" : throw new RecipeException(map.Locate(path), $"{(path.Length == 0 ? "key" : path)} must be a single value");
    }

    /// <summary>The recipe as mergekit YAML.</summary>
    public static string Write(Recipe recipe)
    {
        var root = new YamlMappingNode { { "merge_method", recipe.MergeMethod } };
        if (recipe.BaseModel is not null) root.Add("base_model", recipe.BaseModel.ToString());
        if (!recipe.Parameters.IsEmpty) root.Add("parameters", Node(recipe.Parameters));
        if (recipe.Models is not null)
            root.Add("models", new YamlSequenceNode(recipe.Models.Select(m =>
            {
                var entry = new YamlMappingNode { { "model", m.Model.ToString() } };
                if (!m.Parameters.IsEmpty) entry.Add("parameters", Node(m.Parameters));
                return (YamlNode)entry;
            })));
        if (recipe.Slices is not null)
            root.Add("slices", new YamlSequenceNode(recipe.Slices.Select(s =>
            {
                var entry = new YamlMappingNode
                {
                    {
                        "sources", new YamlSequenceNode(s.Sources.Select(src =>
                        {
                            var node = new YamlMappingNode { { "model", src.Model.ToString() } };
                            if (src.Range is { } r)
                                node.Add("layer_range", new YamlSequenceNode(Number(r.Start), Number(r.End)) { Style = SequenceStyle.Flow });
                            if (!src.Parameters.IsEmpty) node.Add("parameters", Node(src.Parameters));
                            return (YamlNode)node;
                        }))
                    },
                };
                if (s.BaseModel is not null) entry.Add("base_model", s.BaseModel.ToString());
                if (!s.Parameters.IsEmpty) entry.Add("parameters", Node(s.Parameters));
                return (YamlNode)entry;
            })));
        if (recipe.DType is not null) root.Add("dtype", recipe.DType);
        if (recipe.OutDType is not null) root.Add("out_dtype", recipe.OutDType);
        if (recipe.TokenizerSource is not null) root.Add("tokenizer_source", recipe.TokenizerSource);
        if (recipe.ChatTemplate is not null) root.Add("chat_template", new YamlScalarNode(recipe.ChatTemplate) { Style = ScalarStyle.DoubleQuoted });
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text.Replace("\n...\n", "\n");
    }

    private static YamlMappingNode Node(ParameterMap map)
    {
        var node = new YamlMappingNode();
        foreach (var e in map.Entries) node.Add(e.Name, Node(e.Value));
        return node;
    }

    private static YamlNode Node(ParameterSetting setting) => setting switch
    {
        NumberSetting n => Number(n.Value),
        BoolSetting b => new YamlScalarNode(b.Value ? "true" : "false"),
        TextSetting t => new YamlScalarNode(t.Value) { Style = ScalarStyle.DoubleQuoted },
        GradientSetting g => new YamlSequenceNode(g.Anchors.Select(Number)) { Style = SequenceStyle.Flow },
        ChoiceSetting c => new YamlSequenceNode(c.Items.Select(Node)),
        FilteredSetting f => new YamlSequenceNode(f.Clauses.Select(c =>
        {
            var m = new YamlMappingNode();
            if (c.Filter is not null) m.Add("filter", c.Filter);
            m.Add("value", Node(c.Value));
            return (YamlNode)m;
        })),
        _ => throw new ArgumentOutOfRangeException(nameof(setting)),
    };

    private static YamlScalarNode Number(double v) => new(v.ToString("R", CultureInfo.InvariantCulture));
}
