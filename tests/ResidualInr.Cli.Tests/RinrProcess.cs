using System.Diagnostics;

namespace ResidualInr.Cli.Tests;

/// <summary>A <c>dotnet rinr.dll ...</c> child process, for what only a real process shows: signals, kills, races.</summary>
public static class RinrProcess
{
    public static Process Start(params string[] args)
    {
        // Through env(1) with SIGINT and SIGTERM reset to their defaults: a test run started as a shell's
        // background job inherits SIGINT ignored (and an ignored signal stays ignored across exec), so rinr
        // would never see the Ctrl-C these tests send. A user's terminal gives rinr the default disposition.
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--default-signal=INT,TERM");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rinr.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        // Drain stdout so a full pipe never blocks the child; stderr is read after exit.
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>Sends a signal by name (INT, TERM, KILL) through kill(1).</summary>
    public static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling every 10 ms; false after <paramref name="timeoutMs"/>.</summary>
    public static bool WaitUntil(Func<bool> condition, int timeoutMs)
    {
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < timeoutMs)
        {
            if (condition()) return true;
            Thread.Sleep(10);
        }
        return condition();
    }

    /// <summary>Every file under <paramref name="dir"/> (relative path) with its bytes.</summary>
    public static SortedDictionary<string, byte[]> Snapshot(string dir) =>
        new(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes), StringComparer.Ordinal);

    /// <summary>The set's results: <see cref="Snapshot"/> without run.json, whose times and arguments differ from run to run.</summary>
    public static SortedDictionary<string, byte[]> Results(string dir)
    {
        var all = Snapshot(dir);
        Assert.True(all.Remove("run.json"), $"{dir} has no run.json");
        return all;
    }

    public static void AssertSameSet(SortedDictionary<string, byte[]> expected, string dir)
    {
        var actual = Snapshot(dir);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, bytes) in expected)
            Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"{name} differs from the earlier complete set");
    }
}
