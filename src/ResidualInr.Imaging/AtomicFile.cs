namespace ResidualInr.Imaging;

/// <summary>
/// Writes files through a temporary sibling and a rename: a reader sees the old file or the new
/// one, never half of either, even if the process dies mid-write. A write that fails (a full disk, a
/// read-only folder, a file where a folder should be) is an <see cref="InputException"/> naming the
/// file asked for, not the temporary one, with the system's reason ("No space left on device").
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
            try { if (tmp is not null && File.Exists(tmp)) File.Delete(tmp); }
            catch (IOException) { } // the write's own error says more
        }
    }

    /// <summary>The system's message without the temporary file's name, e.g. "No space left on device".</summary>
    private static string Reason(Exception e, string? tmp)
    {
        var message = e.Message.Split('\n', 2)[0].Trim();
        if (tmp is not null) message = message.Replace($" : '{tmp}'", "").Replace($"'{tmp}'", "this file").Replace(tmp, "this file");
        return message.TrimEnd('.');
    }

    private static string TempPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
    }
}
