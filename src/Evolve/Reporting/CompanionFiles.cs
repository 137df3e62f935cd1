using System.Text.Json;
using System.Text.Json.Nodes;

namespace Evolve.Reporting;

/// <summary>
/// The sweep and soup a report draws beside the run: <c>sweep.json</c> (schema <c>evolve.sweep/1</c>, written by
/// <c>evolve sweep</c>) and <c>soup.json</c> (<c>evolve.soup/1</c>, <c>evolve soup</c>), reduced to what the charts
/// show. A file of another schema, or missing a field the chart needs, is a located error.
/// </summary>
internal static class CompanionFiles
{
    public const string SweepSchema = "evolve.sweep/1";
    public const string SoupSchema = "evolve.soup/1";

    /// <summary>A sweep.json file, or the folder holding one.</summary>
    public static string Resolve(string path, string fileName) =>
        Directory.Exists(path) ? Path.Combine(path, fileName) : path;

    public static JsonObject Sweep(string path)
    {
        var root = Load(path, SweepSchema, "evolve sweep");
        try
        {
            var peak = root["peak"]!;
            return new JsonObject
            {
                ["parameter"] = root["parameter"]!.GetValue<string>(),
                ["method"] = root["method"]!.GetValue<string>(),
                ["split"] = root["split"]?.GetValue<string>(),
                ["points"] = new JsonArray(root["points"]!.AsArray().Select(p => (JsonNode)new JsonObject
                {
                    ["x"] = p!["x"]!.GetValue<double>(),
                    ["estimate"] = p["fitness"]!["estimate"]!.GetValue<double>(),
                    ["low"] = p["fitness"]!["low"]!.GetValue<double>(),
                    ["high"] = p["fitness"]!["high"]!.GetValue<double>(),
                }).ToArray()),
                ["curve"] = new JsonArray(root["curve"]!.AsArray().Select(c => (JsonNode)new JsonArray(c!["x"]!.GetValue<double>(), c["y"]!.GetValue<double>())).ToArray()),
                ["peak"] = peak["t_star"]?.GetValue<double>(),
                ["peakLow"] = peak["low"]!.GetValue<double>(),
                ["peakHigh"] = peak["high"]!.GetValue<double>(),
                ["flags"] = new JsonArray(root["flags"]!.AsArray().Select(f => (JsonNode)JsonValue.Create(f!.GetValue<string>())).ToArray()),
                ["chosen"] = root["chosen"]!["x"]!.GetValue<double>(),
            };
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException)
        {
            throw Damaged(path, "evolve sweep", e);
        }
    }

    public static JsonObject Soup(string path)
    {
        var root = Load(path, SoupSchema, "evolve soup");
        try
        {
            return new JsonObject
            {
                ["source"] = root["source"]!.GetValue<string>(),
                ["uniform"] = root["uniform"]!["fitness"]!["estimate"]!.GetValue<double>(),
                ["final"] = root["soup"]!["fitness"]!["estimate"]!.GetValue<double>(),
                ["members"] = new JsonArray(root["soup"]!["members"]!.AsArray().Select(m => (JsonNode)JsonValue.Create(m!.GetValue<string>())).ToArray()),
                ["steps"] = new JsonArray(root["steps"]!.AsArray().Select(s => (JsonNode)new JsonObject
                {
                    ["ingredient"] = s!["ingredient"]!.GetValue<string>(),
                    ["score"] = s["fitness"]!["estimate"]!.GetValue<double>(),
                    ["low"] = s["fitness"]!["low"]!.GetValue<double>(),
                    ["high"] = s["fitness"]!["high"]!.GetValue<double>(),
                    ["kept"] = s["added"]!.GetValue<bool>(),
                }).ToArray()),
            };
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException)
        {
            throw Damaged(path, "evolve soup", e);
        }
    }

    private static JsonNode Load(string path, string schema, string writer)
    {
        if (!File.Exists(path))
            throw new ReportException(path, "no such file", $"give the folder or the JSON file `{writer}` wrote");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new ReportException($"{path}:{(e.LineNumber ?? 0) + 1}", $"not valid JSON ({e.Message})", $"write it again with `{writer}`", e);
        }
        var found = root is JsonObject o && o["schema"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (found != schema)
            throw new ReportException(path, $"schema is {(found is null ? "missing" : $"\"{found}\"")}, a report reads \"{schema}\"", $"give the file `{writer}` wrote");
        return root!;
    }

    private static ReportException Damaged(string path, string writer, Exception e) =>
        new(path, $"a field the report needs is missing or of the wrong type ({e.Message})", $"write it again with `{writer}`", e);
}
