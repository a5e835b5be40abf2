using System.Collections.Concurrent;
using System.Diagnostics;

namespace ResidualInr.Imaging;

/// <summary>
/// The temporary files and staging folders this process has in flight (<see cref="AtomicFile"/>,
/// <see cref="OutputFolder"/>, the result cache), so that an interrupted process can remove them
/// before it exits, and what a later process may remove: scratch named by a process id that is no
/// longer running.
/// </summary>
public static class ScratchPaths
{
    private static readonly ConcurrentDictionary<string, byte> InFlight = new();

    public static void Register(string path) => InFlight.TryAdd(path, 0);

    public static void Unregister(string path) => InFlight.TryRemove(path, out _);

    /// <summary>Removes every registered file and folder, best effort (an interrupted process calls this on its way out).</summary>
    public static void DeleteAll()
    {
        foreach (var path in InFlight.Keys)
        {
            TryDelete(path);
            Unregister(path);
        }
    }

    /// <summary>Deletes a file or a folder with everything in it; false when it could not (in use, permissions).</summary>
    public static bool TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Whether a process with this id is running (this process counts as running).</summary>
    public static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        if (pid <= 0) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>
    /// Removes the folders in <paramref name="dir"/> named <c>{prefix}.staging-{pid}-{random}</c>
    /// (<paramref name="prefix"/> null: any prefix) whose process is no longer running. A live
    /// process's staging folder is its work in progress and stays.
    /// </summary>
    public static void RemoveStaleStaging(string dir, string? prefix = null)
    {
        if (!Directory.Exists(dir)) return;
        foreach (var path in Directory.EnumerateDirectories(dir, (prefix ?? "*") + ".staging-*"))
        {
            var name = Path.GetFileName(path);
            var tail = name[(name.LastIndexOf(".staging-", StringComparison.Ordinal) + ".staging-".Length)..];
            var dash = tail.IndexOf('-');
            if (dash > 0 && int.TryParse(tail[..dash], out int pid) && !IsAlive(pid)) TryDelete(path);
        }
    }
}
