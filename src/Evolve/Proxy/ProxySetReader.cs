using System.Text.Json;

namespace Evolve.Proxy;

/// <summary>
/// Reads a proxy set: JSONL, one query per line with <c>prompt</c> and either <c>answer</c> (free form) or
/// <c>choices</c> + <c>answer</c> (the right choice's index); optional <c>id</c>, <c>task</c>, <c>weight</c>.
/// The task defaults to the file's name without extension, the id to "task:line".
/// </summary>
internal static class ProxySetReader
{
    private const string Remedy = "each line must be a JSON object with \"prompt\" and \"answer\" (or \"choices\" and an \"answer\" index)";

    public static IReadOnlyList<ProxyItem> Read(string path)
    {
        if (!File.Exists(path))
            throw new ProxySetException(path, "proxy set file not found");
        var defaultTask = Path.GetFileNameWithoutExtension(path);
        var items = new List<ProxyItem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var location = $"{path}:{lineNumber}";
            var item = ParseLine(line, location, defaultTask, lineNumber);
            if (!ids.Add(item.Id))
                throw new ProxySetException(location, $"duplicate id \"{item.Id}\"", "give every query a unique \"id\"");
            items.Add(item);
        }
        if (items.Count == 0)
            throw new ProxySetException(path, "the proxy set holds no queries", Remedy);
        return items;
    }

    private static ProxyItem ParseLine(string line, string location, string defaultTask, int lineNumber)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new ProxySetException(location, $"malformed JSON ({e.Message})", Remedy, e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ProxySetException(location, $"expected a JSON object, found {root.ValueKind}", Remedy);

            var prompt = RequiredString(root, "prompt", location);
            var task = OptionalString(root, "task", location) ?? defaultTask;
            var id = OptionalString(root, "id", location) ?? $"{task}:{lineNumber}";
            var weight = OptionalNumber(root, "weight", location) ?? 1.0;
            if (!(weight > 0) || double.IsInfinity(weight))
                throw new ProxySetException(location, $"\"weight\" must be a positive number, found {weight}");

            if (!root.TryGetProperty("choices", out var choicesElement))
                return new ProxyItem(id, task, prompt, RequiredString(root, "answer", location), null, null, weight, location);

            if (choicesElement.ValueKind != JsonValueKind.Array || choicesElement.GetArrayLength() < 2)
                throw new ProxySetException(location, "\"choices\" must be an array of at least two strings", Remedy);
            var choices = new List<string>();
            foreach (var choice in choicesElement.EnumerateArray())
            {
                if (choice.ValueKind != JsonValueKind.String)
                    throw new ProxySetException(location, "every entry of \"choices\" must be a string", Remedy);
                choices.Add(choice.GetString()!);
            }
            if (!root.TryGetProperty("answer", out var answer) || answer.ValueKind != JsonValueKind.Number
                || !answer.TryGetInt32(out var index))
                throw new ProxySetException(location, "a multiple-choice query needs \"answer\": the index of the right choice", Remedy);
            if (index < 0 || index >= choices.Count)
                throw new ProxySetException(location, $"\"answer\" index {index} is outside the {choices.Count} choices", "indices start at 0");
            return new ProxyItem(id, task, prompt, null, choices, index, weight, location);
        }
    }

    private static string RequiredString(JsonElement root, string name, string location) =>
        OptionalString(root, name, location)
        ?? throw new ProxySetException(location, $"missing field \"{name}\"", Remedy);

    private static string? OptionalString(JsonElement root, string name, string location)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new ProxySetException(location, $"field \"{name}\" must be a string, found {value.ValueKind}", Remedy);
    }

    private static double? OptionalNumber(JsonElement root, string name, string location)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new ProxySetException(location, $"field \"{name}\" must be a number, found {value.ValueKind}");
    }
}
