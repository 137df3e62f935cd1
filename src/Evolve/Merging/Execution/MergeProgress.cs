namespace Evolve.Merging.Execution;

/// <summary>Where a merge stands: tensors done, input bytes read, time elapsed (for tensors/s and GB/s).</summary>
internal readonly record struct MergeProgress(int TensorsDone, int TensorsTotal, long BytesRead, long BytesTotal, TimeSpan Elapsed)
{
    public double TensorsPerSecond => Elapsed.TotalSeconds > 0 ? TensorsDone / Elapsed.TotalSeconds : 0;
    public double GigabytesPerSecond => Elapsed.TotalSeconds > 0 ? BytesRead / 1e9 / Elapsed.TotalSeconds : 0;
}
