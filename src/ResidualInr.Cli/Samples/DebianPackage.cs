using System.Formats.Tar;
using System.Globalization;
using ResidualInr.Imaging;

namespace ResidualInr.Cli.Samples;

/// <summary>
/// A package from the Debian archive, downloaded with <c>apt-get download</c> (no install, nothing else on the
/// system changes) and unpacked with <c>dpkg-deb --fsys-tarfile</c>, keeping only the files asked for.
/// </summary>
public sealed record DebianPackage(string Name, string Version, long DownloadBytes, long InstalledKb)
{
    /// <summary>
    /// The candidate version's record from <c>apt-cache show</c>; when the package lists are empty (a fresh
    /// machine), <c>apt-get update</c> runs once first.
    /// </summary>
    public static DebianPackage Find(string name)
    {
        ExternalTool.Require("apt-get", "apt");
        string record;
        try { record = ExternalTool.Run("apt-cache", ["show", "--no-all-versions", name], readStdout: true); }
        catch (InputException)
        {
            Console.Error.WriteLine($"[rinr] {name} is not in the package lists: running apt-get update");
            ExternalTool.Run("apt-get", ["update", "-qq"]);
            record = ExternalTool.Run("apt-cache", ["show", "--no-all-versions", name], readStdout: true);
        }
        string Field(string key) => record.Split('\n').Select(l => l.TrimEnd())
            .FirstOrDefault(l => l.StartsWith(key + ": ", StringComparison.Ordinal))?[(key.Length + 2)..]
            ?? throw new InputException($"{name}: apt-cache show gives no {key} field");
        return new DebianPackage(name, Field("Version"),
            long.Parse(Field("Size"), CultureInfo.InvariantCulture), long.Parse(Field("Installed-Size"), CultureInfo.InvariantCulture));
    }

    /// <summary>Downloads the .deb into <paramref name="dir"/> with a progress bar of megabytes; returns its path.</summary>
    public string Download(string dir)
    {
        long total = Math.Max(1, DownloadBytes / 1_000_000);
        ConsoleProgress.Run($"Downloading {Name} {Version} ({DownloadBytes / 1e6:F1} MB)", (int)total, progress =>
        {
            ExternalTool.Run("apt-get", ["download", "-q", $"{Name}={Version}"], dir,
                poll: () => progress.Report((int)Math.Min(total, Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1_000_000)));
            return 0;
        });
        return Directory.GetFiles(dir, $"{Name}_*.deb").SingleOrDefault()
            ?? throw new InputException($"{Name}: apt-get download wrote no {Name}_*.deb in {dir}");
    }

    /// <summary>
    /// Unpacks the files of <paramref name="deb"/> whose paths end with one of <paramref name="wanted"/>
    /// (<c>/examples/data/vtest.avi</c>; a path holds a version in some packages) into <paramref name="dir"/>;
    /// returns their full paths keyed by the wanted suffix. A wanted file the package lacks is an error naming it.
    /// </summary>
    public IReadOnlyDictionary<string, string> Extract(string deb, string dir, IReadOnlyCollection<string> wanted)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        ConsoleProgress.Run($"Unpacking {wanted.Count} file(s) from {Name}", (int)Math.Max(1, InstalledKb / 1024), progress =>
        {
            using var process = ExternalTool.Start("dpkg-deb", ["--fsys-tarfile", deb]);
            var stderr = process.StandardError.ReadToEndAsync();
            var counted = new CountingStream(process.StandardOutput.BaseStream, bytes => progress.Report((int)(bytes >> 20)));
            using (var tar = new TarReader(counted))
            {
                while (tar.GetNextEntry() is { } entry)
                {
                    var path = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                    var key = wanted.FirstOrDefault(w => ("/" + path).EndsWith(w, StringComparison.Ordinal));
                    if (key is null) continue;
                    var target = Path.Combine(dir, path);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    entry.ExtractToFile(target, overwrite: true);
                    found[key] = target;
                }
            }
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InputException($"{deb}: dpkg-deb failed ({stderr.Result.Trim()})");
            return 0;
        });
        var missing = wanted.FirstOrDefault(w => !found.ContainsKey(w));
        if (missing is not null) throw new InputException($"{Name} {Version}: the package has no {missing}");
        return found;
    }

    /// <summary>Counts the bytes read through it, for progress.</summary>
    private sealed class CountingStream(Stream inner, Action<long> report) : Stream
    {
        private long _read, _reported;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            _read += n;
            if (_read - _reported >= 1 << 22) { _reported = _read; report(_read); }
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
