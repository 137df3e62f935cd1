namespace Evolve.Proxy.Scoring;

/// <summary>Consecutive ranges of items scored in one forward pass.</summary>
internal readonly record struct TokenBatch(int Start, int End)
{
    public int Count => End - Start;

    public static IEnumerable<TokenBatch> Chunks(int count, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        for (var start = 0; start < count; start += batchSize)
            yield return new TokenBatch(start, Math.Min(count, start + batchSize));
    }

    public static void Copy(ReadOnlySpan<int> source, Span<long> destination)
    {
        for (var i = 0; i < source.Length; i++)
            destination[i] = source[i];
    }
}
