using Evolve.Search.Evaluation;
using Spectre.Console;

namespace Evolve.Cli.Output;

/// <summary>Scoring progress on stderr: a Spectre.Console bar when stderr is the terminal, one plain line per report otherwise.</summary>
internal static class ScoringProgressBar
{
    public static T Run<T>(TextWriter stderr, string title, Func<IProgress<ScoringProgress>, T> work)
    {
        if (!ReferenceEquals(stderr, Console.Error) || Console.IsErrorRedirected)
            return work(new Reporter(p => stderr.WriteLine(p.Message)));
        T result = default!;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title));
                result = work(new Reporter(p =>
                {
                    task.MaxValue = Math.Max(1, p.ModelsTotal);
                    task.Value = p.ModelsDone;
                    task.Description = Markup.Escape(p.Message);
                }));
            });
        return result;
    }

    /// <summary>Reports on the calling thread, in order (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class Reporter(Action<ScoringProgress> report) : IProgress<ScoringProgress>
    {
        public void Report(ScoringProgress value) => report(value);
    }
}
