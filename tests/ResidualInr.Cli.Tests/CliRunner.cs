namespace ResidualInr.Cli.Tests;

/// <summary>Runs the rinr command tree in-process and captures what it prints.</summary>
public static class CliRunner
{
    private static readonly object ConsoleLock = new();

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        lock (ConsoleLock)
        {
            var savedErr = Console.Error;
            Console.SetError(stderr); // progress lines go to Console.Error
            try { return (RinrApp.Run(args, stdout, stderr), stdout.ToString(), stderr.ToString()); }
            finally { Console.SetError(savedErr); }
        }
    }
}
