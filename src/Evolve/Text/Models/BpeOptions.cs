namespace Evolve.Text.Models;

/// <summary>The BPE model settings of tokenizer.json that change ids.</summary>
internal sealed record BpeOptions(
    string? UnkToken,
    string? ContinuingSubwordPrefix,
    string? EndOfWordSuffix,
    bool FuseUnk,
    bool ByteFallback,
    bool IgnoreMerges);
