using System.CommandLine;
using ResidualInr.Cli.Commands;
using ResidualInr.Imaging;

namespace ResidualInr.Cli;

/// <summary>
/// The <c>rinr</c> command tree and its exit-code contract: 0 on success, 2 for usage and input
/// errors (one line on stderr, no stack trace unless --verbose), 1 for anything unexpected, 130 when
/// interrupted (Ctrl-C or SIGTERM, <see cref="Interrupt"/>).
/// </summary>
public static class RinrApp
{
    public const int ExitOk = 0, ExitFailure = 1, ExitUsage = 2;

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Print stack traces with errors, and more detail while working.",
        Recursive = true,
    };

    public static readonly Option<int?> Threads = new("--threads")
    {
        Description = "CPU threads for libtorch's tensor work (default: libtorch's, one per core). On a machine whose cores " +
                      "are busy with other work, --threads 1 can be many times faster; the last bits of results may differ.",
        Recursive = true,
    };

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "rinr: what does it cost to share training images among N edge devices over a slow wireless link, " +
            "as JPEG or as Residual-INR payloads from a fog node, and what accuracy does it buy?");
        root.Options.Add(Verbose);
        root.Options.Add(Threads);
        root.Subcommands.Add(DatasetCommands.Build());
        root.Subcommands.Add(CodecCommands.BuildEncode());
        root.Subcommands.Add(CodecCommands.BuildDecode());
        root.Subcommands.Add(BenchCommands.Build());
        root.Subcommands.Add(SimulateCommand.Build());
        root.Subcommands.Add(TrainCommand.Build());
        root.Subcommands.Add(PretrainCommand.Build());
        root.Subcommands.Add(MetaTrainCommand.Build());
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(ShardCommands.BuildPlan());
        root.Subcommands.Add(ShardCommands.BuildMerge());
        root.Subcommands.Add(SchemaCommand.Build());
        root.Subcommands.Add(ChannelCommand.Build());
        return root;
    }

    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var root = BuildRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"rinr: {parse.Errors[0].Message} (see 'rinr --help')");
            return ExitUsage;
        }
        bool verbose = parse.GetValue(Verbose);
        try
        {
            if (parse.GetValue(Threads) is int threads) ResidualInr.Codec.Devices.ComputeDevice.UseCpuThreads(threads);
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (Interrupt.Requested)
        {
            // Whatever the cancellation surfaced as (OperationCanceledException, an AggregateException from the sweep, ...).
            stderr.WriteLine(Interrupt.Message);
            if (verbose) stderr.WriteLine(e);
            return Interrupt.ExitCode;
        }
        catch (InputException e)
        {
            stderr.WriteLine($"rinr: {OutputFolder.InTermsOfTargets(e.Message)}");
            if (verbose) stderr.WriteLine(e);
            return ExitUsage;
        }
        catch (Exception e)
        {
            // Native (libtorch) messages run to many lines; the first says what went wrong.
            var firstLine = e.Message.Split('\n', 2)[0].Trim();
            stderr.WriteLine($"rinr: internal error: {firstLine}{(verbose ? "" : " (run with --verbose for details)")}");
            if (verbose) stderr.WriteLine(e);
            return ExitFailure;
        }
    }
}
