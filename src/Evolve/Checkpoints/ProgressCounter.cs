namespace Evolve.Checkpoints;

/// <summary>Accumulates bytes written across the files of one checkpoint write and reports the running total.</summary>
internal sealed class ProgressCounter(IProgress<WriteProgress> progress, long total)
{
    private long _written;

    public void Add(long bytes)
    {
        _written += bytes;
        progress.Report(new WriteProgress(_written, total));
    }
}
