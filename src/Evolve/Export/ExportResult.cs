namespace Evolve.Export;

/// <summary>What an export wrote: the candidate it came from and every file (full paths), the merged checkpoint's folder when merged.</summary>
internal sealed record ExportResult(long Candidate, int Rank, string Folder, IReadOnlyList<string> Files, string? MergedFolder);
