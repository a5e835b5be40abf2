namespace ResidualInr.Imaging;

/// <summary>
/// A command's output folder, written as a whole: the command writes into a staging folder beside
/// it (<c>OUT.staging-PID-RANDOM</c>, same parent, so renames are atomic), and <see cref="Commit"/>
/// swaps it in: the existing <c>OUT</c> is renamed to <c>OUT.previous</c> (an older one deleted
/// first), the staging folder is renamed to <c>OUT</c>, and <c>OUT.previous</c> is deleted. A reader
/// of <c>OUT</c> sees the earlier complete set or the new one, never a mix; a command that dies
/// leaves <c>OUT</c> as it was (and a staging folder that the next command writing beside it removes).
/// Two commands writing the same folder at once each stage their own set; the last to commit wins whole.
/// <para>
/// Because <c>OUT</c> is replaced, <see cref="Begin"/> refuses, as input errors, a folder that holds
/// files but none that rinr writes (<see cref="Markers"/>): someone else's folder, not an earlier output;
/// and a folder holding one of the command's inputs (a dataset, a codec folder, the cache).
/// </para>
/// </summary>
public sealed class OutputFolder : IDisposable
{
    /// <summary>Files whose presence marks a folder as a rinr output that may be replaced.</summary>
    public static readonly IReadOnlyList<string> Markers =
        ["run.json", "metrics.csv", "codecs.csv", "summary.csv", "accuracy.csv", "report.md"];

    private readonly CancellationToken _cancel;
    private bool _committed;

    private OutputFolder(string target, string staging, CancellationToken cancel)
    {
        Target = target;
        Staging = staging;
        _cancel = cancel;
    }

    /// <summary>The output folder, a full path.</summary>
    public string Target { get; }

    /// <summary>Where the command writes; it becomes <see cref="Target"/> at <see cref="Commit"/>.</summary>
    public string Staging { get; }

    /// <summary>
    /// Checks that <paramref name="path"/> may be replaced, removes staging folders beside it that
    /// dead processes left, and creates this command's staging folder.
    /// </summary>
    /// <param name="inputs">Files and folders the command reads; one inside the output folder is an input error.</param>
    /// <param name="cancel">Checked before the swap: an interrupted command never commits.</param>
    public static OutputFolder Begin(string path, IEnumerable<string?>? inputs = null, CancellationToken cancel = default)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        // A link to a folder: write into the folder it names, and leave the link alone.
        if (Directory.Exists(target) && new DirectoryInfo(target).ResolveLinkTarget(returnFinalTarget: true) is { } linked)
            target = Path.TrimEndingDirectorySeparator(linked.FullName);
        var parent = Path.GetDirectoryName(target);
        if (parent is null) throw new InputException(path, null, "the output folder cannot be a filesystem root");
        if (File.Exists(target)) throw new InputException(path, null, "is a file; the output must be a folder");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !Markers.Any(m => File.Exists(Path.Combine(target, m))))
            throw new InputException(path, null,
                $"folder holds files that rinr did not write (none of {string.Join(", ", Markers)}); rinr replaces its output folder as a whole, so choose a new or empty folder");
        foreach (var input in inputs ?? [])
        {
            if (string.IsNullOrEmpty(input)) continue;
            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(input));
            if (full == target || full.StartsWith(target + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new InputException(path, null, $"the output folder holds an input ({input}) and is replaced as a whole when the command ends; choose another output folder");
        }
        try { Directory.CreateDirectory(parent); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, $"cannot create the output folder ({e.Message})");
        }
        var name = Path.GetFileName(target);
        ScratchPaths.RemoveStaleStaging(parent, name);
        var staging = $"{target}.staging-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        ScratchPaths.Register(staging);
        try { Directory.CreateDirectory(staging); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ScratchPaths.Unregister(staging);
            throw new InputException(path, null, $"cannot write beside the output folder ({e.Message})");
        }
        Targets[staging] = target;
        return new OutputFolder(target, staging, cancel);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Targets = new();

    /// <summary>
    /// <paramref name="message"/> with every staging folder of this process named as the output folder it
    /// stands for: an error while writing says "OUT/summary.csv: No space left on device", the file the
    /// user asked for, not the scratch name it had for a moment.
    /// </summary>
    public static string InTermsOfTargets(string message)
    {
        foreach (var (staging, target) in Targets)
            message = message.Replace(staging, target, StringComparison.Ordinal);
        return message;
    }

    /// <summary>Swaps the staging folder in as <see cref="Target"/>; the earlier set is deleted.</summary>
    public void Commit()
    {
        if (_committed) throw new InvalidOperationException("the output folder was already committed or abandoned");
        _cancel.ThrowIfCancellationRequested();
        var previous = Target + ".previous";
        // Another process may swap its own set in at the same moment: whoever renames last wins, whole. A failed
        // rename is retried whether or not OUT is there now (someone may have just moved it aside), with a short
        // random pause once it keeps colliding; every lost round is some other writer's finished swap.
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Move(Staging, Target);
                break;
            }
            catch (IOException) when (attempt < 200 && Directory.Exists(Staging))
            {
                if (Directory.Exists(Target))
                {
                    ScratchPaths.TryDelete(previous);
                    try { Directory.Move(Target, previous); }
                    catch (IOException) { } // someone else moved it, or put theirs at OUT.previous: try again
                    catch (UnauthorizedAccessException) { }
                }
                if (attempt >= 3) Thread.Sleep(Random.Shared.Next(1, 20));
            }
        }
        _committed = true;
        ScratchPaths.Unregister(Staging);
        ScratchPaths.TryDelete(previous);
    }

    /// <summary>Without a <see cref="Commit"/>: deletes the staging folder, leaving <see cref="Target"/> as it was.</summary>
    public void Dispose()
    {
        if (_committed) return;
        _committed = true;
        ScratchPaths.TryDelete(Staging);
        ScratchPaths.Unregister(Staging);
    }
}
