using System.Text;
using System.Text.Json;

namespace Evolve.Merging.Recipes;

/// <summary>
/// Evolve's native recipe form: the same content as the mergekit YAML, with every parameter setting tagged by kind
/// (a number, a boolean, a string, or an object naming gradient / choice / filtered), so it reads back to an equal
/// <see cref="Recipe"/> without YAML's guessing. Keys are written in one fixed order: the same recipe gives the same
/// bytes.
/// </summary>
internal static class RecipeJson
{
    public const string Format = "evolve-recipe/1";

    private static readonly JsonWriterOptions Options = new() { Indented = true };

    public static string Write(Recipe recipe)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteString("merge_method", recipe.MergeMethod);
            Model(w, "base_model", recipe.BaseModel);
            Parameters(w, recipe.Parameters);
            if (recipe.Models is { } models)
            {
                w.WriteStartArray("models");
                foreach (var m in models)
                {
                    w.WriteStartObject();
                    Model(w, "model", m.Model);
                    Parameters(w, m.Parameters);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (recipe.Slices is { } slices)
            {
                w.WriteStartArray("slices");
                foreach (var s in slices)
                {
                    w.WriteStartObject();
                    w.WriteStartArray("sources");
                    foreach (var src in s.Sources)
                    {
                        w.WriteStartObject();
                        Model(w, "model", src.Model);
                        if (src.Range is { } r)
                        {
                            w.WriteStartArray("layer_range");
                            w.WriteNumberValue(r.Start);
                            w.WriteNumberValue(r.End);
                            w.WriteEndArray();
                        }
                        Parameters(w, src.Parameters);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    Model(w, "base_model", s.BaseModel);
                    Parameters(w, s.Parameters);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            Text(w, "dtype", recipe.DType);
            Text(w, "out_dtype", recipe.OutDType);
            Text(w, "tokenizer_source", recipe.TokenizerSource);
            Text(w, "chat_template", recipe.ChatTemplate);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    public static Recipe Read(string json, string location)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (Optional(root, "format") is not { } format || format.GetString() != Format)
                throw new RecipeException(location, $"not an Evolve recipe (format must be \"{Format}\")");
            var recipe = new Recipe(
                Required(root, "merge_method", location).GetString()!,
                ReadModel(Optional(root, "base_model")),
                ReadParameters(Optional(root, "parameters"), location),
                Optional(root, "models") is { } models
                    ? new(models.EnumerateArray().Select(m => new ModelEntry(ReadModel(Required(m, "model", location))!, ReadParameters(Optional(m, "parameters"), location))))
                    : null,
                Optional(root, "slices") is { } slices
                    ? new(slices.EnumerateArray().Select(s => new SliceEntry(
                        new(Required(s, "sources", location).EnumerateArray().Select(src => new SliceSource(
                            ReadModel(Required(src, "model", location))!,
                            Optional(src, "layer_range") is { } r ? new LayerRange(r[0].GetInt32(), r[1].GetInt32()) : null,
                            ReadParameters(Optional(src, "parameters"), location)))),
                        ReadModel(Optional(s, "base_model")),
                        ReadParameters(Optional(s, "parameters"), location))))
                    : null,
                Optional(root, "dtype")?.GetString(),
                Optional(root, "out_dtype")?.GetString(),
                Optional(root, "tokenizer_source")?.GetString(),
                Optional(root, "chat_template")?.GetString());
            RecipeValidator.Validate(recipe);
            return recipe;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new RecipeException(location, $"not a valid Evolve recipe JSON ({e.Message})", null, e);
        }
    }

    private static void Model(Utf8JsonWriter w, string name, ModelReference? model)
    {
        if (model is null) return;
        w.WriteStartObject(name);
        w.WriteString("path", model.Path);
        if (model.Lora is not null) w.WriteString("lora", model.Lora);
        w.WriteEndObject();
    }

    private static void Text(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }

    private static void Parameters(Utf8JsonWriter w, ParameterMap map)
    {
        if (map.IsEmpty) return;
        w.WriteStartObject("parameters");
        foreach (var e in map.Entries)
        {
            w.WritePropertyName(e.Name);
            Setting(w, e.Value);
        }
        w.WriteEndObject();
    }

    private static void Setting(Utf8JsonWriter w, ParameterSetting setting)
    {
        switch (setting)
        {
            case NumberSetting n:
                w.WriteNumberValue(n.Value);
                break;
            case BoolSetting b:
                w.WriteBooleanValue(b.Value);
                break;
            case TextSetting t:
                w.WriteStringValue(t.Value);
                break;
            case GradientSetting g:
                w.WriteStartObject();
                w.WriteStartArray("gradient");
                foreach (var a in g.Anchors) w.WriteNumberValue(a);
                w.WriteEndArray();
                w.WriteEndObject();
                break;
            case ChoiceSetting c:
                w.WriteStartObject();
                w.WriteStartArray("choice");
                foreach (var item in c.Items) Setting(w, item);
                w.WriteEndArray();
                w.WriteEndObject();
                break;
            case FilteredSetting f:
                w.WriteStartObject();
                w.WriteStartArray("filtered");
                foreach (var clause in f.Clauses)
                {
                    w.WriteStartObject();
                    if (clause.Filter is null) w.WriteNull("filter");
                    else w.WriteString("filter", clause.Filter);
                    w.WritePropertyName("value");
                    Setting(w, clause.Value);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(setting));
        }
    }

    private static ModelReference? ReadModel(JsonElement? element) =>
        element is { } e ? new ModelReference(e.GetProperty("path").GetString()!, Optional(e, "lora")?.GetString()) : null;

    private static ParameterMap ReadParameters(JsonElement? element, string location) =>
        element is { } e
            ? new ParameterMap(new(e.EnumerateObject().Select(p => new ParameterEntry(p.Name, ReadSetting(p.Value, location)))))
            : ParameterMap.Empty;

    private static ParameterSetting ReadSetting(JsonElement e, string location) => e.ValueKind switch
    {
        JsonValueKind.Number => new NumberSetting(e.GetDouble()),
        JsonValueKind.True => new BoolSetting(true),
        JsonValueKind.False => new BoolSetting(false),
        JsonValueKind.String => new TextSetting(e.GetString()!),
        JsonValueKind.Object when Optional(e, "gradient") is { } g => new GradientSetting(new(g.EnumerateArray().Select(a => a.GetDouble()))),
        JsonValueKind.Object when Optional(e, "choice") is { } c => new ChoiceSetting(new(c.EnumerateArray().Select(i => ReadSetting(i, location)))),
        JsonValueKind.Object when Optional(e, "filtered") is { } f => new FilteredSetting(new(f.EnumerateArray().Select(clause =>
            new FilterClause(Optional(clause, "filter")?.GetString(), ReadSetting(Required(clause, "value", location), location))))),
        _ => throw new RecipeException(location, $"a parameter value of kind {e.ValueKind} is not a number, boolean, string, gradient, choice or filtered list"),
    };

    private static JsonElement? Optional(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private static JsonElement Required(JsonElement e, string name, string location) =>
        Optional(e, name) ?? throw new RecipeException(location, $"'{name}' is missing");
}
