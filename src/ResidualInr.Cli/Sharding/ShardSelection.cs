using System.Globalization;
using ResidualInr.Imaging;

namespace ResidualInr.Cli.Sharding;

/// <summary>
/// Which share of a plan this process runs: <c>--shard I/N</c> runs the units whose index mod N is I. <c>--shard auto</c>
/// takes I and N from the scheduler that started the process: a Slurm job array (I = SLURM_ARRAY_TASK_ID -
/// SLURM_ARRAY_TASK_MIN, N = SLURM_ARRAY_TASK_COUNT, or <c>--shards N</c>) or a Kubernetes Indexed Job
/// (I = JOB_COMPLETION_INDEX, N = <c>--shards N</c>, the Job's completions). Both retry a failed task with the same index,
/// and a retried unit that finds its result in the cache skips it.
/// </summary>
public sealed record ShardSelection(int Index, int Count)
{
    public const string SlurmTaskId = "SLURM_ARRAY_TASK_ID", SlurmTaskMin = "SLURM_ARRAY_TASK_MIN", SlurmTaskCount = "SLURM_ARRAY_TASK_COUNT",
        KubernetesIndex = "JOB_COMPLETION_INDEX";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <param name="value"><c>I/N</c> or <c>auto</c>.</param>
    /// <param name="shards"><c>--shards N</c>, or null.</param>
    /// <param name="environment">The process's environment (a test passes its own).</param>
    public static ShardSelection Parse(string value, int? shards, Func<string, string?> environment)
    {
        if (value != "auto")
        {
            var parts = value.Split('/');
            if (parts.Length != 2 || !TryInt(parts[0], out int i) || !TryInt(parts[1], out int n) || n < 1 || i >= n)
                throw new InputException($"--shard '{value}' is not I/N with 0 <= I < N (e.g. 0/3), nor 'auto'");
            if (shards is { } s && s != n) throw new InputException($"--shard {value} and --shards {s} disagree on the number of shards");
            return new ShardSelection(i, n);
        }
        if (environment(SlurmTaskId) is { Length: > 0 } id)
        {
            int min = environment(SlurmTaskMin) is { Length: > 0 } m ? Int(m, SlurmTaskMin) : 0;
            int count = shards ?? (environment(SlurmTaskCount) is { Length: > 0 } c ? Int(c, SlurmTaskCount)
                : throw new InputException($"--shard auto: {SlurmTaskId} is set but {SlurmTaskCount} is not; give --shards N"));
            return Checked(Int(id, SlurmTaskId) - min, count, $"{SlurmTaskId} {id} - {SlurmTaskMin} {min}");
        }
        if (environment(KubernetesIndex) is { Length: > 0 } k)
            return Checked(Int(k, KubernetesIndex), shards ?? throw new InputException($"--shard auto: {KubernetesIndex} is set; give --shards N (the Job's completions)"),
                $"{KubernetesIndex} {k}");
        throw new InputException($"--shard auto: neither {SlurmTaskId} (a Slurm job array) nor {KubernetesIndex} (a Kubernetes Indexed Job) is set; give --shard I/N");
    }

    private static ShardSelection Checked(int index, int count, string source) =>
        count >= 1 && index >= 0 && index < count ? new ShardSelection(index, count)
            : throw new InputException($"--shard auto: shard {index} ({source}) is not in 0..{count - 1} (--shards or {SlurmTaskCount} {count})");

    private static bool TryInt(string s, out int value) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static int Int(string s, string variable) =>
        TryInt(s, out int v) ? v : throw new InputException($"--shard auto: {variable} '{s}' is not a whole number");

    /// <summary>"3,7,9" (from <c>rinr merge</c>'s list of missing units) as indices.</summary>
    public static IReadOnlyList<int> ParseUnits(string text) => text.Split(',', StringSplitOptions.TrimEntries)
        .Select(t => TryInt(t, out int i) ? i : throw new InputException($"--units '{text}': '{t}' is not a unit index (a whole number from 'rinr plan')"))
        .ToList();
}
