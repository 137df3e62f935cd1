namespace Evolve.Proxy.Scoring;

/// <summary>
/// One row of greedy generation: its prompt, its own token limit, and an optional test on the tokens generated so
/// far (a stop string appeared) that ends the row early. End of sequence always ends a row and is not kept.
/// </summary>
internal sealed record GenerationRequest(int[] Prompt, int MaxNewTokens, Func<IReadOnlyList<int>, bool>? StopWhen = null)
{
    public bool Done(List<int> generated) => generated.Count >= MaxNewTokens || (StopWhen?.Invoke(generated) ?? false);
}
