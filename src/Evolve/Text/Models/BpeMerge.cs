namespace Evolve.Text.Models;

/// <summary>One merge rule: its priority (lower merges first) and the id of the token it produces.</summary>
internal readonly record struct BpeMerge(int Rank, int NewId)
{
    public static long Key(int left, int right) => ((long)left << 32) | (uint)right;
}
