using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Evolve.Merging.Recipes;

/// <summary>
/// Checks recipe YAML against the shape mergekit's own configuration model accepts (its MergeConfiguration):
/// the known top-level keys, a merge_method, exactly one of models / slices / modules, never both tokenizer and
/// tokenizer_source, model entries as mappings, every slice source with a two-integer layer_range, and parameter
/// values that are a number, a string, a boolean, a list of numbers, a list of strings, or {value, filter} clauses
/// (alone or in a list). Evolve's reader is more lenient in places (a bare string as a model entry, a slice source
/// without a layer range); what is exported for mergekit must pass this check.
/// </summary>
internal static class MergekitSchema
{
    private static readonly string[] TopLevel =
        ["modules", "slices", "models", "merge_method", "base_model", "dtype", "tokenizer_source", "tokenizer", "chat_template", "out_dtype", "parameters"];

    /// <summary>Every violation as "path: what is wrong", in document order; empty when mergekit accepts the shape.</summary>
    public static IReadOnlyList<string> Violations(string yaml)
    {
        var problems = new List<string>();
        YamlStream stream = [];
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            return [$"line {e.Start.Line}: not valid YAML ({e.Message})"];
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            return ["(document): must be one YAML mapping"];

        foreach (var (key, _) in root.Children)
            if (key is not YamlScalarNode { Value: { } k } || !TopLevel.Contains(k))
                problems.Add($"{Describe(key)}: not a key of mergekit's configuration");
        if (Get(root, "merge_method") is not YamlScalarNode { Value: { Length: > 0 } })
            problems.Add("merge_method: missing or not a string");
        foreach (var key in new[] { "base_model", "dtype", "out_dtype", "tokenizer_source", "chat_template" })
            if (Get(root, key) is { } node && !IsString(node))
                problems.Add($"{key}: must be a string");
        if (Get(root, "tokenizer_source") is not null && Get(root, "tokenizer") is not null)
            problems.Add("tokenizer: cannot be given together with tokenizer_source");
        var layouts = new[] { "models", "slices", "modules" }.Count(k => Get(root, k) is YamlSequenceNode { Children.Count: > 0 } or YamlMappingNode { Children.Count: > 0 });
        if (layouts != 1)
            problems.Add($"(document): exactly one of models, slices or modules must be present (found {layouts})");
        if (Get(root, "parameters") is { } parameters)
            Parameters(parameters, "parameters", problems);
        if (Get(root, "models") is { } models)
            Models(models, "models", problems);
        if (Get(root, "slices") is { } slices)
            Slices(slices, "slices", problems);
        return problems;
    }

    private static void Models(YamlNode node, string path, List<string> problems)
    {
        if (node is not YamlSequenceNode list)
        {
            problems.Add($"{path}: must be a list");
            return;
        }
        for (var i = 0; i < list.Children.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (list.Children[i] is not YamlMappingNode entry)
            {
                problems.Add($"{at}: must be a mapping with model (and parameters)");
                continue;
            }
            Keys(entry, at, problems, "model", "parameters");
            if (Get(entry, "model") is not { } model || !IsString(model))
                problems.Add($"{at}.model: missing or not a string");
            if (Get(entry, "parameters") is { } p)
                Parameters(p, $"{at}.parameters", problems);
        }
    }

    private static void Slices(YamlNode node, string path, List<string> problems)
    {
        if (node is not YamlSequenceNode list)
        {
            problems.Add($"{path}: must be a list");
            return;
        }
        for (var i = 0; i < list.Children.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (list.Children[i] is not YamlMappingNode slice)
            {
                problems.Add($"{at}: must be a mapping with sources");
                continue;
            }
            Keys(slice, at, problems, "sources", "base_model", "residual_weight", "parameters");
            if (Get(slice, "base_model") is { } b && !IsString(b))
                problems.Add($"{at}.base_model: must be a string");
            if (Get(slice, "residual_weight") is { } r && !IsNumber(r))
                problems.Add($"{at}.residual_weight: must be a number");
            if (Get(slice, "parameters") is { } p)
                Parameters(p, $"{at}.parameters", problems);
            if (Get(slice, "sources") is not YamlSequenceNode sources)
            {
                problems.Add($"{at}.sources: missing or not a list");
                continue;
            }
            for (var j = 0; j < sources.Children.Count; j++)
            {
                var src = $"{at}.sources[{j}]";
                if (sources.Children[j] is not YamlMappingNode source)
                {
                    problems.Add($"{src}: must be a mapping with model and layer_range");
                    continue;
                }
                Keys(source, src, problems, "model", "layer_range", "parameters");
                if (Get(source, "model") is not { } model || !IsString(model))
                    problems.Add($"{src}.model: missing or not a string");
                if (Get(source, "layer_range") is not YamlSequenceNode { Children.Count: 2 } range || !range.Children.All(IsInteger))
                    problems.Add($"{src}.layer_range: mergekit requires [start, end] with two integers");
                if (Get(source, "parameters") is { } sourceParameters)
                    Parameters(sourceParameters, $"{src}.parameters", problems);
            }
        }
    }

    private static void Parameters(YamlNode node, string path, List<string> problems)
    {
        if (node is not YamlMappingNode map)
        {
            problems.Add($"{path}: must be a mapping of parameter names to values");
            return;
        }
        foreach (var (key, value) in map.Children)
        {
            var at = $"{path}.{(key as YamlScalarNode)?.Value}";
            if (!IsSetting(value))
                problems.Add($"{at}: must be a number, string, boolean, list of numbers, list of strings, or {{value, filter}} clauses");
        }
    }

    /// <summary>ConditionalParameter | list of ConditionalParameter | scalar-or-gradient.</summary>
    private static bool IsSetting(YamlNode node) => node switch
    {
        YamlMappingNode m => IsClause(m),
        YamlSequenceNode { Children.Count: > 0 } s when s.Children.All(c => c is YamlMappingNode) => s.Children.All(c => IsClause((YamlMappingNode)c)),
        _ => IsScalarOrGradient(node),
    };

    private static bool IsClause(YamlMappingNode m)
    {
        foreach (var (key, _) in m.Children)
            if (key is not YamlScalarNode { Value: "value" or "filter" })
                return false;
        return Get(m, "value") is { } value && IsScalarOrGradient(value)
               && (Get(m, "filter") is not { } filter || IsString(filter));
    }

    /// <summary>float | str | list of float | list of str (a boolean passes as a float, as pydantic's lax mode takes it).</summary>
    private static bool IsScalarOrGradient(YamlNode node) => node switch
    {
        YamlScalarNode s => !IsNull(s),
        YamlSequenceNode { Children.Count: > 0 } list =>
            list.Children.All(c => c is YamlScalarNode s && !IsNull(s) && (IsNumber(s) || IsBool(s)))
            || list.Children.All(c => c is YamlScalarNode s && !IsNull(s) && !IsNumber(s) && !IsBool(s)),
        _ => false,
    };

    private static void Keys(YamlMappingNode m, string path, List<string> problems, params string[] allowed)
    {
        foreach (var (key, _) in m.Children)
            if (key is not YamlScalarNode { Value: { } k } || !allowed.Contains(k))
                problems.Add($"{path}.{Describe(key)}: not a key mergekit accepts here (allowed: {string.Join(", ", allowed)})");
    }

    private static YamlNode? Get(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) && !(v is YamlScalarNode s && IsNull(s)) ? v : null;

    private static bool IsString(YamlNode node) => node is YamlScalarNode s && !IsNull(s);

    private static bool IsNull(YamlScalarNode s) => s.Style == ScalarStyle.Plain && s.Value is null or "" or "null" or "~";

    private static bool IsBool(YamlScalarNode s) => s.Style == ScalarStyle.Plain && s.Value is "true" or "false" or "True" or "False";

    private static bool IsNumber(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain } s && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static bool IsInteger(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain } s && long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    private static string Describe(YamlNode key) => key is YamlScalarNode { Value: { } v } ? v : $"(key at line {key.Start.Line})";
}
