using System.Buffers.Binary;
using System.Text;

namespace Evolve.Tests.Checkpoints;

/// <summary>Builds safetensors bytes by hand (length prefix, header text, data), independent of the writer under test.</summary>
internal static class RawSafetensors
{
    public static byte[] Build(string headerJson, byte[] data, ulong? declaredLength = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    public static string Write(string folder, string name, string headerJson, byte[] data, ulong? declaredLength = null)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, Build(headerJson, data, declaredLength));
        return path;
    }
}
