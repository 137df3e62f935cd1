using System.Globalization;
using System.Text;

namespace Evolve.Text.Decoders;

/// <summary>
/// "ByteFallback": runs of &lt;0xXX&gt; tokens become the UTF-8 text they spell, or one U+FFFD per byte when the run is
/// not valid UTF-8.
/// </summary>
internal sealed class ByteFallbackDecoder : IDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public void Decode(List<string> tokens)
    {
        var output = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (var token in tokens)
        {
            if (TryParseByte(token, out var b))
            {
                pending.Add(b);
                continue;
            }
            Flush(pending, output);
            output.Add(token);
        }
        Flush(pending, output);
        tokens.Clear();
        tokens.AddRange(output);
    }

    private static bool TryParseByte(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static void Flush(List<byte> pending, List<string> output)
    {
        if (pending.Count == 0)
            return;
        try
        {
            output.Add(StrictUtf8.GetString(pending.ToArray()));
        }
        catch (DecoderFallbackException)
        {
            for (var i = 0; i < pending.Count; i++)
                output.Add("\uFFFD");
        }
        pending.Clear();
    }
}
