using System.Collections.Concurrent;

namespace ResidualInr.Imaging;

/// <summary>
/// Writes files through a temporary sibling and a rename: a reader sees the old file or the new
/// one, never half of either, even if the process dies mid-write. A write that fails (a full disk, a
/// read-only folder, a file where a folder should be) is an <see cref="InputException"/> naming the
/// file asked for, not the temporary one, with the system's reason ("No space left on device").
/// The sibling is named <c>.NAME.PID.GUID.tmp</c>; one left by a process that is no longer running
/// is removed the first time this process writes into the same folder.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, tmp =>
        {
            using var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write);
            stream.Write(copy);
        });
    }

    public static void WriteAllText(string path, string text)
        => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Runs <paramref name="write"/> on a writer to a temporary file, then renames it into place.</summary>
    public static void Write(string path, Action<TextWriter> write) => Write(path, tmp =>
    {
        using var writer = new StreamWriter(tmp, append: false, new System.Text.UTF8Encoding(false));
        write(writer);
    });

    private static void Write(string path, Action<string> writeTemp)
    {
        string? tmp = null;
        try
        {
            tmp = TempPathFor(path);
            writeTemp(tmp);
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, $"cannot write: {Reason(e, tmp)}", e);
        }
        finally
        {
            if (tmp is not null)
            {
                try { if (File.Exists(tmp)) File.Delete(tmp); }
                catch (IOException) { } // the write's own error says more
                ScratchPaths.Unregister(tmp);
            }
        }
    }

    /// <summary>The system's message without the temporary file's name, e.g. "No space left on device".</summary>
    private static string Reason(Exception e, string? tmp)
    {
        var message = e.Message.Split('\n', 2)[0].Trim();
        if (tmp is not null) message = message.Replace($" : '{tmp}'", "").Replace($"'{tmp}'", "this file").Replace(tmp, "this file");
        return message.TrimEnd('.');
    }

    private static readonly ConcurrentDictionary<string, byte> Swept = new();

    private static string TempPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        if (Swept.TryAdd(dir, 0)) RemoveStaleTemps(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        ScratchPaths.Register(tmp);
        return tmp;
    }

    /// <summary>Removes the temporary files in <paramref name="dir"/> that a process no longer running left behind.</summary>
    public static void RemoveStaleTemps(string dir)
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(dir, ".*.tmp"))
            {
                // .NAME.PID.GUID.tmp: the pid is the third field from the end.
                var parts = Path.GetFileName(file).Split('.');
                if (parts.Length >= 5 && parts[^2].Length == 32 && int.TryParse(parts[^3], out int pid) && !ScratchPaths.IsAlive(pid))
                    ScratchPaths.TryDelete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
