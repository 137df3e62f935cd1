namespace Evolve.Proxy.Scoring;

/// <summary>A prompt and a continuation whose tokens are scored teacher-forced in one row of a forward pass.</summary>
internal readonly record struct ContinuationRow(int[] Prompt, int[] Continuation)
{
    public int Length => Prompt.Length + Continuation.Length;
}
