using System.Buffers.Binary;

namespace Evolve.Search.Store;

/// <summary>A genome as little-endian IEEE doubles, so it round-trips bit for bit whatever the platform.</summary>
internal static class GenomeBlob
{
    public static byte[] Write(ReadOnlySpan<double> genome)
    {
        var bytes = new byte[genome.Length * sizeof(double)];
        for (var i = 0; i < genome.Length; i++)
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), genome[i]);
        return bytes;
    }

    public static double[] Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % sizeof(double) != 0)
            throw new InvalidDataException($"a genome blob of {bytes.Length} bytes is not a whole number of doubles");
        var genome = new double[bytes.Length / sizeof(double)];
        for (var i = 0; i < genome.Length; i++)
            genome[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * sizeof(double))..]);
        return genome;
    }
}
