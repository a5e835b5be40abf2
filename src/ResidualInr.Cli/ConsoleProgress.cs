using Spectre.Console;

namespace ResidualInr.Cli;

/// <summary>
/// Progress bars on stderr, so stdout stays clean for results. When stderr is not a terminal
/// (CI, pipes, tests) it prints one line per stage instead of redrawing.
/// </summary>
public static class ConsoleProgress
{
    private static readonly IAnsiConsole Err = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    });

    /// <summary>Runs <paramref name="work"/> with a bar of <paramref name="total"/> steps; the callback reports steps done.</summary>
    public static T Run<T>(string stage, int total, Func<IProgress<int>, T> work)
        => RunFractional(stage, total, p => work(new SyncProgress<int>(done => p.Report(done))));

    /// <summary>The same, for work that reports fractional progress (frames part-way through training).</summary>
    public static T RunFractional<T>(string stage, int total, Func<IProgress<double>, T> work)
    {
        if (Console.IsErrorRedirected || total < 1)
        {
            Console.Error.WriteLine($"[rinr] {stage} ({total})");
            return work(new SyncProgress<double>(_ => { }));
        }
        T result = default!;
        Err.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(stage, maxValue: total);
                result = work(new SyncProgress<double>(done => task.Value = done));
                task.Value = total;
            });
        return result;
    }

    /// <summary>
    /// Reports on the calling thread: Progress&lt;T&gt; would post to the thread pool and lag behind.
    /// Every report is also where long work notices Ctrl-C (<see cref="Interrupt"/>).
    /// </summary>
    private sealed class SyncProgress<TValue>(Action<TValue> report) : IProgress<TValue>
    {
        public void Report(TValue value)
        {
            Interrupt.ThrowIfRequested();
            report(value);
        }
    }
}
