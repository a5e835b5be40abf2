using System.Runtime.InteropServices;
using ResidualInr.Imaging;

namespace ResidualInr.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM: the first signal cancels <see cref="Token"/>, which progress reports,
/// the sweep and cache waits check, so the command unwinds: its staging folder and temporary files are
/// deleted on the way out, the output folder keeps its earlier set, and <see cref="RinrApp"/> prints
/// <c>rinr: interrupted</c> and exits with 130. Work that does not reach a check within
/// <see cref="Grace"/> (one long native step), or a second signal, ends the process at once after
/// deleting what <see cref="ScratchPaths"/> knows this process has in flight.
/// </summary>
public static class Interrupt
{
    public const int ExitCode = 130;
    public const string Message = "rinr: interrupted";
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    private static readonly CancellationTokenSource Source = new();
    private static int _signals;
    private static IReadOnlyList<IDisposable>? _registrations; // kept alive: a collected registration unregisters

    public static CancellationToken Token => Source.Token;

    public static bool Requested => Source.IsCancellationRequested;

    public static void ThrowIfRequested() => Source.Token.ThrowIfCancellationRequested();

    /// <summary>Handles SIGINT and SIGTERM for the life of the process (Program.cs; tests that run commands in-process do not).</summary>
    public static void Install() =>
        _registrations ??= [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];

    private static void Handle(PosixSignalContext context)
    {
        context.Cancel = true; // no default termination: unwind instead
        if (Interlocked.Increment(ref _signals) > 1)
        {
            ExitNow();
            return;
        }
        Source.Cancel();
        new Thread(() =>
        {
            Thread.Sleep(Grace);
            ExitNow();
        }) { IsBackground = true, Name = "rinr interrupt grace" }.Start();
    }

    private static void ExitNow()
    {
        ScratchPaths.DeleteAll();
        Console.Error.WriteLine(Message);
        Environment.Exit(ExitCode);
    }
}
