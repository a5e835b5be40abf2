using System.Collections.Concurrent;

namespace ResidualInr.Imaging;

/// <summary>
/// Writes files through a temporary sibling and a rename: a reader sees the old file or the new
/// one, never half of either, even if the process dies mid-write. The sibling is named
/// <c>.NAME.PID.GUID.tmp</c>; one left by a process that is no longer running is removed the first
/// time this process writes into the same folder.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var tmp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
                stream.Write(bytes);
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
            ScratchPaths.Unregister(tmp);
        }
    }

    public static void WriteAllText(string path, string text)
        => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Runs <paramref name="write"/> on a writer to a temporary file, then renames it into place.</summary>
    public static void Write(string path, Action<TextWriter> write)
    {
        var tmp = TempPathFor(path);
        try
        {
            using (var writer = new StreamWriter(tmp, append: false, new System.Text.UTF8Encoding(false)))
                write(writer);
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
            ScratchPaths.Unregister(tmp);
        }
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
