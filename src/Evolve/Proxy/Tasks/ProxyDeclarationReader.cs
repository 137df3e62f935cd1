using Evolve.Formats;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Evolve.Proxy.Tasks;

/// <summary>
/// Reads a proxy block (YAML, so JSON too) with errors located at file:line. Schema:
/// <code>
/// proxy:                      # optional wrapper; a search space embeds the same block under this key
///   files: [arith.jsonl]      # JSONL proxy sets (a single string is accepted)
///   heldout_files: [...]      # explicit held-out sets; otherwise
///   split: {heldout: 0.3, seed: 7}   # a seeded per-task split of `files`
///   defaults: {...task settings...}  # for tasks not listed under `tasks`
///   tasks:
///     arith:
///       metric: exact_match   # exact_match | contains | regex | acc | acc_norm | log_likelihood
///       weight: 2
///       max_new_tokens: 8
///       stop: ["\n"]
///       normalize: [trim, last_number]   # trim | lowercase | last_number | strip_punctuation
///       template: "Q: {prompt}\nA:"
///       choice_delimiter: " "
/// </code>
/// </summary>
public static class ProxyDeclarationReader
{
    public static ProxyDeclaration Load(string path)
    {
        if (!File.Exists(path))
            throw new TaskSettingsException(path, "task file not found");
        var stream = YamlText.Parse(File.ReadAllText(path), (line, problem, e) =>
            new TaskSettingsException(line is null ? path : $"{path}:{line}", $"not valid YAML or JSON ({problem})", null, e));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new TaskSettingsException(path, "expected a mapping with \"files\" and \"tasks\"", "see `evolve score --help` for the task file format");
        var block = root.Children.TryGetValue(new YamlScalarNode("proxy"), out var nested) ? nested : root;
        return Read(block, path, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Reads the block at <paramref name="node"/>; <paramref name="file"/> locates errors, <paramref name="folder"/> anchors relative paths.</summary>
    public static ProxyDeclaration Read(YamlNode node, string file, string folder)
    {
        var map = Mapping(node, file, "the proxy block");
        Known(map, file, "files", "heldout_files", "split", "defaults", "tasks");
        var files = PathList(map, "files", file, folder) ?? [];
        var heldOut = PathList(map, "heldout_files", file, folder) ?? [];
        ProxySplit? split = null;
        if (map.Children.TryGetValue(new YamlScalarNode("split"), out var splitNode))
        {
            var s = Mapping(splitNode, file, "split");
            Known(s, file, "heldout", "seed");
            var fraction = Number(Required(s, "heldout", file), file, "split.heldout");
            if (!(fraction > 0 && fraction < 1))
                throw Error(file, s, $"split.heldout must lie strictly between 0 and 1, found {fraction}");
            var seed = s.Children.TryGetValue(new YamlScalarNode("seed"), out var seedNode) ? UnsignedInteger(seedNode, file, "split.seed") : 0UL;
            if (heldOut.Length > 0)
                throw Error(file, s, "give either heldout_files or split, not both");
            split = new ProxySplit(fraction, seed);
        }
        var defaults = map.Children.TryGetValue(new YamlScalarNode("defaults"), out var defaultsNode)
            ? Settings(defaultsNode, file, "defaults", TaskSettings.Default)
            : TaskSettings.Default;
        var tasks = new Dictionary<string, TaskSettings>(StringComparer.Ordinal);
        if (map.Children.TryGetValue(new YamlScalarNode("tasks"), out var tasksNode))
            foreach (var (key, value) in Mapping(tasksNode, file, "tasks").Children)
            {
                var name = Scalar(key, file, "a task name");
                tasks[name] = Settings(value, file, $"tasks.{name}", defaults);
            }
        return new ProxyDeclaration(files, heldOut, split, defaults, tasks);
    }

    private static TaskSettings Settings(YamlNode node, string file, string path, TaskSettings start)
    {
        var map = Mapping(node, file, path);
        Known(map, file, "metric", "weight", "max_new_tokens", "stop", "normalize", "template", "choice_delimiter");
        var settings = start;
        foreach (var (keyNode, value) in map.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            var at = $"{path}.{key}";
            settings = key switch
            {
                "metric" => settings with
                {
                    Metric = TaskMetrics.ByName.TryGetValue(Scalar(value, file, at), out var metric) ? metric
                        : throw Error(file, value, $"{at} \"{Scalar(value, file, at)}\" is not a metric", $"use one of {string.Join(", ", TaskMetrics.ByName.Keys)}"),
                },
                "weight" => settings with { Weight = Positive(value, file, at) },
                "max_new_tokens" => settings with { MaxNewTokens = checked((int)Math.Max(1, UnsignedInteger(value, file, at))) },
                "stop" => settings with { Stop = StringList(value, file, at) },
                "normalize" => settings with
                {
                    Normalize = StringList(value, file, at).Aggregate(AnswerNormalization.None, (all, step) => all |
                        (AnswerNormalizer.ByName.TryGetValue(step, out var n) ? n
                            : throw Error(file, value, $"{at} \"{step}\" is not a normalization", $"use {string.Join(", ", AnswerNormalizer.ByName.Keys)}"))),
                },
                "template" => settings with
                {
                    Template = Scalar(value, file, at) is var template && template.Contains(TaskSettings.PromptPlaceholder, StringComparison.Ordinal) ? template
                        : throw Error(file, value, $"{at} has no {TaskSettings.PromptPlaceholder} placeholder", "write where the item's prompt goes, e.g. \"Q: {prompt}\\nA:\""),
                },
                "choice_delimiter" => settings with { ChoiceDelimiter = Scalar(value, file, at) },
                _ => settings,
            };
        }
        return settings;
    }

    private static YamlMappingNode Mapping(YamlNode node, string file, string what) =>
        node as YamlMappingNode ?? throw Error(file, node, $"{what} must be a mapping");

    private static void Known(YamlMappingNode map, string file, params string[] keys)
    {
        foreach (var key in map.Children.Keys)
            if (key is not YamlScalarNode { Value: { } name } || !keys.Contains(name))
                throw Error(file, key, $"unknown key \"{key}\"", $"expected one of {string.Join(", ", keys)}");
    }

    private static YamlNode Required(YamlMappingNode map, string key, string file) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : throw Error(file, map, $"missing \"{key}\"");

    private static string Scalar(YamlNode node, string file, string what) =>
        node is YamlScalarNode { Value: { } value } ? value : throw Error(file, node, $"{what} must be a single value");

    private static double Number(YamlNode node, string file, string what) =>
        double.TryParse(Scalar(node, file, what), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value : throw Error(file, node, $"{what} must be a number, found \"{Scalar(node, file, what)}\"");

    private static double Positive(YamlNode node, string file, string what) =>
        Number(node, file, what) is > 0 and var value ? value : throw Error(file, node, $"{what} must be positive");

    private static ulong UnsignedInteger(YamlNode node, string file, string what) =>
        ulong.TryParse(Scalar(node, file, what), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value : throw Error(file, node, $"{what} must be a whole number ≥ 0, found \"{Scalar(node, file, what)}\"");

    private static string[] StringList(YamlNode node, string file, string what) => node switch
    {
        YamlScalarNode scalar => [Scalar(scalar, file, what)],
        YamlSequenceNode list => list.Children.Select(n => Scalar(n, file, what)).ToArray(),
        _ => throw Error(file, node, $"{what} must be a string or a list of strings"),
    };

    private static string[]? PathList(YamlMappingNode map, string key, string file, string folder) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node)
            ? StringList(node, file, key).Select(p => Path.GetFullPath(p, folder)).ToArray()
            : null;

    private static TaskSettingsException Error(string file, YamlNode node, string problem, string? remedy = null) =>
        new($"{file}:{node.Start.Line}", problem, remedy);
}
