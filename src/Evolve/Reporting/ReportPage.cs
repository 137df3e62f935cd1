using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Evolve.Reporting;

/// <summary>
/// The report as one HTML file: the page's stylesheet, the data as an embedded JSON block, Apache ECharts and the
/// drawing script inlined. A Content-Security-Policy forbids every fetch, so the page provably works offline.
/// </summary>
internal static class ReportPage
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static string Render(JsonObject data, string title)
    {
        // The default encoder escapes <, > and & inside strings, so no data can close the JSON block's script tag.
        var json = data.ToJsonString(Json);
        var library = Resource("Evolve.Reporting.echarts.min.js");
        var script = Resource("Evolve.Reporting.report.js");
        foreach (var (name, text) in new[] { ("echarts.min.js", library), ("report.js", script) })
            if (text.Contains("</script", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"{name} contains a closing script tag and cannot be inlined");
        var page = new StringBuilder(library.Length + json.Length + 16_384);
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n")
            .Append("<style>\n").Append(Resource("Evolve.Reporting.report.css")).Append("</style>\n</head>\n<body>\n<main id=\"report\"></main>\n")
            .Append("<script type=\"application/json\" id=\"report-data\">").Append(json).Append("</script>\n")
            .Append("<script>\n").Append(library).Append("\n</script>\n")
            .Append("<script>\n").Append(script).Append("</script>\n</body>\n</html>\n");
        return page.ToString();
    }

    private static string Resource(string name)
    {
        using var stream = typeof(ReportPage).Assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"resource {name} is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
