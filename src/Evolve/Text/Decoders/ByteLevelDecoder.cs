using System.Text;

namespace Evolve.Text.Decoders;

/// <summary>
/// "ByteLevel": maps every token's characters back to bytes through <see cref="ByteLevelAlphabet"/> (a token with a
/// character outside the table contributes its own UTF-8 bytes) and reads all bytes as UTF-8, invalid runs as U+FFFD.
/// </summary>
internal sealed class ByteLevelDecoder : IDecoder
{
    public void Decode(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            var mark = bytes.Count;
            var mapped = true;
            foreach (var c in token)
            {
                if (!ByteLevelAlphabet.TryDecode(c, out var b))
                {
                    mapped = false;
                    break;
                }
                bytes.Add(b);
            }
            if (mapped)
                continue;
            bytes.RemoveRange(mark, bytes.Count - mark);
            bytes.AddRange(Encoding.UTF8.GetBytes(token));
        }
        tokens.Clear();
        tokens.Add(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)));
    }
}
