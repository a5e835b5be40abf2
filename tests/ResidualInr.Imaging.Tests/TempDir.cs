namespace ResidualInr.Imaging.Tests;

/// <summary>A fresh folder per test, removed afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("rinr-test-").FullName;
    /// <summary>A path inside the folder; its parent folders are created.</summary>
    public string this[string relative]
    {
        get
        {
            var full = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            return full;
        }
    }
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}
