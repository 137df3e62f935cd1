using System.Globalization;
using Evolve.Merging.Execution;
using Spectre.Console;

namespace Evolve.Cli.Output;

/// <summary>A merge's progress (tensors done, throughput) as a Spectre bar on an interactive console; nothing when output is redirected or captured.</summary>
internal static class MergeProgressBar
{
    public static T Run<T>(TextWriter stdout, Func<IProgress<MergeProgress>?, T> work)
    {
        if (!ReferenceEquals(stdout, Console.Out) || Console.IsOutputRedirected)
            return work(null);
        T result = default!;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("merging");
                result = work(new Progress<MergeProgress>(p =>
                {
                    task.MaxValue = p.TensorsTotal;
                    task.Value = p.TensorsDone;
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"merging {p.TensorsDone}/{p.TensorsTotal}  {p.TensorsPerSecond:0.0} tensors/s  {p.GigabytesPerSecond:0.00} GB/s");
                }));
            });
        return result;
    }
}
