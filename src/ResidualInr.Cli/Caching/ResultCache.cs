using System.Security.Cryptography;
using System.Text;
using ResidualInr.Imaging;

namespace ResidualInr.Cli.Caching;

/// <summary>
/// The cache of finished work shared by every run on a machine: generated datasets, encodes (with
/// their measured timings) and learning results, each in a folder named by the hash of everything
/// that determines it. Because measured timings are cached with the encodes, the same scenario run
/// into a new output folder reproduces every CSV byte for byte.
/// <para>
/// An entry appears whole or not at all: it is built in a private staging folder and renamed into
/// place. While one process builds an entry it holds the entry's lock file, so a second process
/// asking for the same entry waits for it instead of duplicating or corrupting the work.
/// </para>
/// <para>
/// A cache shared by the machines of a cluster (<see cref="Shared"/>, used by sharded runs and merges) may sit on NFS,
/// which lacks reliable locks and whose other machines' process ids mean nothing here. It takes no lock and sweeps
/// nothing: two machines building one entry both build it in their own in-flight folder, and the first rename wins
/// (renaming a folder onto a complete one fails, so a complete entry is never replaced); the loser deletes its copy.
/// Readers therefore only ever see one complete copy, the same bytes however often the unit ran.
/// </para>
/// </summary>
public sealed class ResultCache
{
    public const string EnvironmentVariable = "RINR_CACHE";

    /// <summary>Marks a shared cache's in-flight folders; unlike <c>.staging-PID-</c> folders, no local sweep removes them.</summary>
    public const string InFlightMarker = ".inflight-";

    public ResultCache(string root, bool shared = false)
    {
        Root = Path.GetFullPath(root);
        Shared = shared;
    }

    public string Root { get; }

    /// <summary>Shared by machines: no locks, no sweeping of others' folders, first complete rename wins.</summary>
    public bool Shared { get; }

    /// <summary>The same folder as a cache shared by machines.</summary>
    public ResultCache AsShared() => new(Root, shared: true);

    private int _swept;

    /// <summary>
    /// <paramref name="option"/> (<c>--cache</c>), else <c>$RINR_CACHE</c>, else
    /// <c>$XDG_CACHE_HOME/rinr</c>, else <c>~/.cache/rinr</c>.
    /// </summary>
    public static ResultCache Resolve(string? option)
    {
        static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
        var root = NonEmpty(option) ?? NonEmpty(Environment.GetEnvironmentVariable(EnvironmentVariable));
        if (root is null)
        {
            var xdg = NonEmpty(Environment.GetEnvironmentVariable("XDG_CACHE_HOME"))
                      ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            root = Path.Combine(xdg, "rinr");
        }
        return new ResultCache(root);
    }

    /// <summary>A short, stable hash of <paramref name="parts"/> for entry names.</summary>
    public static string Key(params object[] parts) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("|", parts)))).ToLowerInvariant()[..16];

    /// <summary>Whether the entry is complete (built and renamed into place).</summary>
    public bool Has(string name) => Directory.Exists(PathOf(name));

    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>
    /// The entry's folder, building it first with <paramref name="build"/> (which writes into the
    /// folder it is given) unless it is already complete. <paramref name="built"/> says whether this call built it.
    /// </summary>
    public string GetOrBuild(string name, Action<string> build, out bool built, TextWriter? log = null)
    {
        var final = PathOf(name);
        built = false;
        if (Shared) return GetOrBuildShared(name, final, build, out built);
        // Once per run: staging folders of any entry whose builder died (killed, power cut) and that no one rebuilt since.
        if (Interlocked.Exchange(ref _swept, 1) == 0) ScratchPaths.RemoveStaleStaging(Root);
        if (Directory.Exists(final)) return final;
        try { Directory.CreateDirectory(Root); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(Root, null, $"cannot create the cache folder ({e.Message}); choose another with --cache or {EnvironmentVariable}");
        }
        using (AcquireLock(final + ".lock", name, log))
        {
            if (Directory.Exists(final)) return final; // another process finished it while we waited
            // Holding the lock, no one else is building this entry: leftovers of killed builds can go.
            foreach (var stale in Directory.EnumerateDirectories(Root, name + ".staging-*")) ScratchPaths.TryDelete(stale);
            var staging = $"{final}.staging-{Environment.ProcessId}-{Guid.NewGuid():N}";
            ScratchPaths.Register(staging);
            Directory.CreateDirectory(staging);
            try
            {
                build(staging);
                Directory.Move(staging, final);
            }
            catch (IOException) when (Directory.Exists(final))
            {
                ScratchPaths.TryDelete(staging); // someone else's copy landed first: theirs is as good as ours
                return final;
            }
            catch
            {
                ScratchPaths.TryDelete(staging);
                throw;
            }
            finally { ScratchPaths.Unregister(staging); }
        }
        built = true;
        return final;
    }

    private string GetOrBuildShared(string name, string final, Action<string> build, out bool built)
    {
        built = false;
        if (Directory.Exists(final)) return final;
        try { Directory.CreateDirectory(Root); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(Root, null, $"cannot create the cache folder ({e.Message}); choose another with --cache or {EnvironmentVariable}");
        }
        // The host in the name tells whose leftover a folder is when a task was killed; it is never swept automatically.
        var inFlight = $"{final}{InFlightMarker}{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
        ScratchPaths.Register(inFlight);
        try
        {
            Directory.CreateDirectory(inFlight);
            build(inFlight);
            if (Directory.Exists(final)) return final; // another machine finished first: keep theirs
            try { Directory.Move(inFlight, final); }
            catch (IOException) when (Directory.Exists(final)) { return final; } // lost the race to the rename: theirs stays
            built = true;
            return final;
        }
        finally
        {
            ScratchPaths.TryDelete(inFlight);
            ScratchPaths.Unregister(inFlight);
        }
    }

    /// <summary>
    /// An exclusive advisory lock (flock on Linux through FileShare.None), polled so that a second
    /// process waits with a message rather than failing. The lock dies with its process. Lock files
    /// stay (empty): deleting them on release would let two processes lock different inodes.
    /// </summary>
    private static FileStream AcquireLock(string path, string name, TextWriter? log)
    {
        bool told = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (IOException) when (File.Exists(path))
            {
                if (!told) log?.WriteLine($"waiting for another rinr process building cache entry {name}");
                told = true;
                Interrupt.ThrowIfRequested();
                Thread.Sleep(200);
            }
        }
    }
}
