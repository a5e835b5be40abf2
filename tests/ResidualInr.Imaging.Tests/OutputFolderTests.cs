namespace ResidualInr.Imaging.Tests;

public class OutputFolderTests
{
    private static void WriteSet(string dir, int id)
    {
        for (int f = 0; f < 5; f++) File.WriteAllText(Path.Combine(dir, $"file{f}.csv"), $"set {id} file {f}");
        File.WriteAllText(Path.Combine(dir, "summary.csv"), $"set {id}");
        if (id % 2 == 0) File.WriteAllText(Path.Combine(dir, "only-even.csv"), $"set {id}");
    }

    [Fact]
    public void Many_writers_committing_into_one_folder_at_once_leave_exactly_one_whole_set_and_no_scratch()
    {
        using var temp = new TempDir();
        var target = Path.Combine(temp.Path, "out");
        const int writers = 8;
        for (int round = 0; round < 5; round++)
        {
            using var start = new Barrier(writers);
            var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            var threads = Enumerable.Range(0, writers).Select(id => new Thread(() =>
            {
                try
                {
                    using var folder = OutputFolder.Begin(target);
                    WriteSet(folder.Staging, id);
                    start.SignalAndWait();
                    folder.Commit();
                }
                catch (Exception e) { errors.Add(e); }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Empty(errors);
            var names = Directory.GetFiles(target).Select(Path.GetFileName).Order().ToList();
            var id = int.Parse(File.ReadAllText(Path.Combine(target, "summary.csv"))[4..]);
            Assert.All(Directory.GetFiles(target), f => Assert.StartsWith($"set {id}", File.ReadAllText(f)));
            Assert.Equal(id % 2 == 0 ? 7 : 6, names.Count);
            Assert.Equal(["out"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
        }
    }

    [Fact]
    public void An_abandoned_folder_leaves_the_earlier_set_and_removes_its_staging()
    {
        using var temp = new TempDir();
        var target = Path.Combine(temp.Path, "out");
        using (var first = OutputFolder.Begin(target))
        {
            WriteSet(first.Staging, 2);
            first.Commit();
        }
        using (var second = OutputFolder.Begin(target))
        {
            WriteSet(second.Staging, 3);
            Assert.StartsWith(target + ".staging-" + Environment.ProcessId + "-", second.Staging);
        } // no Commit: an exception or Ctrl-C unwound the command
        Assert.Equal("set 2", File.ReadAllText(Path.Combine(target, "summary.csv")));
        Assert.True(File.Exists(Path.Combine(target, "only-even.csv")));
        Assert.Equal(["out"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Roots_files_foreign_folders_and_folders_holding_an_input_are_refused()
    {
        using var temp = new TempDir();
        Assert.Contains("filesystem root", Assert.Throws<InputException>(() => OutputFolder.Begin("/")).Message);
        var file = temp["a-file"];
        File.WriteAllText(file, "x");
        Assert.Contains("is a file", Assert.Throws<InputException>(() => OutputFolder.Begin(file)).Message);
        File.WriteAllText(temp["theirs/notes.txt"], "x");
        Assert.Contains("did not write", Assert.Throws<InputException>(() => OutputFolder.Begin(Path.Combine(temp.Path, "theirs"))).Message);
        File.WriteAllText(temp["ours/summary.csv"], "x");
        File.WriteAllText(temp["ours/dataset/seq/img.jpg"], "x");
        Assert.Contains("holds an input", Assert.Throws<InputException>(() => OutputFolder.Begin(Path.Combine(temp.Path, "ours"), [Path.Combine(temp.Path, "ours", "dataset")])).Message);
        Assert.Equal(["a-file", "ours", "theirs"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order());
        // A sibling whose name only starts like the folder is not inside it.
        using var ok = OutputFolder.Begin(Path.Combine(temp.Path, "ours"), [Path.Combine(temp.Path, "ours-data")]);
    }
}
