using System.Reflection;
using System.Text;
using System.Text.Json;
using Evolve.Proxy.Statistics;
using Evolve.Search.Store;

namespace Evolve.Export;

/// <summary>
/// <c>manifest.json</c>: what reproduces an export — the tool version, the run's seed and optimizer, the candidate,
/// the SHA-256 of every written file and of every input the run read (models, ONNX graph, proxy sets), and the
/// candidate's search and held-out scores with their 95% intervals. Keys come in one fixed order and nothing depends
/// on the clock, so exporting the same run twice gives the same bytes.
/// </summary>
internal static class ExportManifest
{
    public const string Format = "evolve-export/1";

    /// <summary>The version of this Evolve library, as the build stamped it.</summary>
    public static string ToolVersion { get; } =
        typeof(ExportManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";

    internal sealed record Content(
        RunFolder Run,
        RunInfo Info,
        CandidateRecord Candidate,
        int Rank,
        IReadOnlyList<RunInput> Written,
        IReadOnlyList<RunInput> Inputs,
        bool InputsRecordedByRun,
        CandidateScores Scores,
        IReadOnlyList<RunInput>? Merged);

    public static string Write(Content c)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteString("tool_version", ToolVersion);

            w.WriteStartObject("run");
            w.WriteString("name", c.Run.Name);
            w.WriteNumber("seed", c.Info.Seed);
            w.WriteString("optimizer", c.Info.Optimizer);
            w.WriteString("tool_version", c.Info.ToolVersion);
            w.WriteString("search_space_sha256", RecipeHash.Of(c.Info.SearchSpace));
            w.WriteEndObject();

            w.WriteStartObject("candidate");
            w.WriteNumber("id", c.Candidate.Id);
            w.WriteNumber("rank", c.Rank);
            w.WriteString("recipe_sha256", c.Candidate.RecipeHash);
            w.WriteEndObject();

            w.WriteStartArray("files");
            foreach (var f in c.Written) File(w, f, includeRole: false);
            w.WriteEndArray();

            w.WriteStartObject("inputs");
            w.WriteBoolean("recorded_by_run", c.InputsRecordedByRun);
            w.WriteStartArray("files");
            foreach (var f in c.Inputs) File(w, f, includeRole: true);
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteStartObject("scores");
            Split(w, "search", c.Scores.Search, c.Scores.SearchTasks);
            if (c.Scores.HeldOut is { } heldOut)
            {
                Split(w, "heldout", heldOut, c.Scores.HeldOutTasks);
                w.WriteNumber("gap", c.Scores.Search!.Value.Estimate - heldOut.Estimate);
            }
            else
            {
                w.WriteNull("heldout");
            }
            w.WriteEndObject();

            if (c.Merged is { } merged)
            {
                w.WriteStartObject("merged");
                w.WriteString("folder", ExportFiles.MergedFolder);
                w.WriteStartArray("files");
                foreach (var f in merged) File(w, f, includeRole: false);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("merged");
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void File(Utf8JsonWriter w, RunInput f, bool includeRole)
    {
        w.WriteStartObject();
        if (includeRole)
        {
            w.WriteString("role", f.Role);
            w.WriteString("owner", f.Owner);
        }
        w.WriteString("path", f.Path);
        w.WriteString("sha256", f.Sha256);
        w.WriteNumber("bytes", f.Bytes);
        w.WriteEndObject();
    }

    private static void Split(Utf8JsonWriter w, string name, Interval? fitness, IReadOnlyList<TaskMean> tasks)
    {
        w.WriteStartObject(name);
        if (fitness is { } f)
        {
            w.WriteStartObject("fitness");
            w.WriteNumber("estimate", f.Estimate);
            w.WriteNumber("low", f.Low);
            w.WriteNumber("high", f.High);
            w.WriteNumber("items", f.Count);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("fitness");
        }
        w.WriteStartArray("tasks");
        foreach (var t in tasks)
        {
            w.WriteStartObject();
            w.WriteString("task", t.Task);
            w.WriteNumber("mean", t.Mean);
            w.WriteNumber("items", t.Items);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
