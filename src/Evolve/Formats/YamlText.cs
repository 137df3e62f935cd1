using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Evolve.Formats;

/// <summary>
/// Parses the YAML every input file of Evolve is written in (recipes, task files, search spaces), turning each way
/// YamlDotNet can fail into one located error of the caller's type.
/// </summary>
internal static class YamlText
{
    /// <param name="invalid">Builds the caller's error from the line (null when the parser gives none), the parser's message and its exception.</param>
    public static YamlStream Parse(string text, Func<int?, string, Exception, Exception> invalid)
    {
        YamlStream stream = [];
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw invalid((int)e.Start.Line, e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner fails this way, without a position, on some unclosed flow collections ("[3" at the end of a line).
            throw invalid(null, "the parser stopped: an unclosed [ or { ?", e);
        }
        return stream;
    }
}
