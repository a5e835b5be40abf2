using System.Diagnostics;
using ResidualInr.Imaging;

namespace ResidualInr.Cli.Samples;

/// <summary>
/// Runs a system program (apt-get, dpkg-deb, ffmpeg) without a shell: arguments as a list, stderr kept for the
/// error message, Ctrl-C kills it. A program that is missing or fails is an input error naming it.
/// </summary>
public static class ExternalTool
{
    /// <summary>True when <paramref name="program"/> is an executable file on PATH.</summary>
    public static bool IsInstalled(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));

    /// <summary>Throws, naming how to install it, when <paramref name="program"/> is not on PATH.</summary>
    public static void Require(string program, string debianPackage)
    {
        if (!IsInstalled(program))
            throw new InputException($"{program} not found on PATH: scripts/rinr installs it on first use of `dataset fetch` (or run apt-get install {debianPackage})");
    }

    /// <summary>Starts <paramref name="program"/> with stdout and stderr redirected: the caller reads both.</summary>
    public static Process Start(string program, IEnumerable<string> args, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true, // what the caller does not read is drained, so it never mixes with rinr's stdout
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["LC_ALL"] = "C";
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try { return Process.Start(info) ?? throw new InputException($"{program}: could not start"); }
        catch (System.ComponentModel.Win32Exception e) { throw new InputException($"{program}: could not start ({e.Message})"); }
    }

    /// <summary>
    /// Runs to the end, calling <paramref name="poll"/> twice a second meanwhile (for progress); returns stdout when
    /// <paramref name="readStdout"/>. A non-zero exit is an input error quoting the last line of stderr.
    /// </summary>
    public static string Run(string program, IReadOnlyList<string> args, string? workingDirectory = null, Action? poll = null, bool readStdout = false)
    {
        using var process = Start(program, args, workingDirectory);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            while (!process.WaitForExit(500))
            {
                poll?.Invoke();
                Interrupt.ThrowIfRequested();
            }
            process.WaitForExit();
        }
        catch
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        poll?.Invoke();
        if (process.ExitCode != 0)
        {
            var last = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";
            throw new InputException($"{program} {string.Join(' ', args)}: failed with exit code {process.ExitCode} ({last})");
        }
        return readStdout ? stdout.Result : "";
    }
}
