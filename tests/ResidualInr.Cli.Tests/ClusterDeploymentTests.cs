using System.Diagnostics;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ResidualInr.Cli.Tests;

/// <summary>The deployment files in deploy/: the Slurm array on a real one-node Slurm, the Kubernetes manifest by reading it.</summary>
public class ClusterDeploymentTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ResidualInr.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no ResidualInr.sln above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void The_kubernetes_indexed_job_hands_each_pods_completion_index_to_rinr_run_shard()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepoRoot(), "deploy", "k8s", "rinr-indexed-job.yaml"))) stream.Load(reader);
        var jobs = stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
        Assert.All(jobs, j => Assert.Equal("Job", Scalar(j, "kind")));
        var shards = jobs.Single(j => ((YamlMappingNode)j["spec"]).Children.TryGetValue("completionMode", out var mode) && mode.ToString() == "Indexed");
        var merge = jobs.Single(j => Command(j)[1] == "merge");

        int completions = int.Parse(Scalar(shards, "spec", "completions"));
        Assert.Equal(completions, int.Parse(Scalar(shards, "spec", "parallelism"))); // every pod at once: their units wait for one another
        var command = Command(shards);
        var container = (YamlMappingNode)((YamlSequenceNode)Node(shards, "spec", "template", "spec", "containers"))[0];
        var indexVar = ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>().Single(e => e["name"].ToString() == "JOB_COMPLETION_INDEX");
        Assert.Equal("metadata.annotations['batch.kubernetes.io/job-completion-index']", Scalar(indexVar, "valueFrom", "fieldRef", "fieldPath"));

        // The pod's command parses as a rinr command line, and for each index the pod gets, --shard auto is that shard of N = completions.
        Assert.Equal("rinr", command[0]);
        var parse = RinrApp.BuildRoot().Parse(command.Skip(1).ToArray());
        Assert.Empty(parse.Errors);
        Assert.Equal("auto", Option(command, "--shard"));
        for (int index = 0; index < completions; index++)
        {
            var env = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = index.ToString() };
            Assert.Equal(new Sharding.ShardSelection(index, completions),
                Sharding.ShardSelection.Parse(Option(command, "--shard"), int.Parse(Option(command, "--shards")), env.GetValueOrDefault));
        }
        // The merge reads the same scenario and cache, and waits for the pods' units.
        var mergeCommand = Command(merge);
        Assert.Empty(RinrApp.BuildRoot().Parse(mergeCommand.Skip(1).ToArray()).Errors);
        Assert.Equal(command[2], mergeCommand[2]);
        Assert.Equal(Option(command, "--cache"), Option(mergeCommand, "--cache"));
        Assert.True(double.Parse(Option(mergeCommand, "--wait-s")) > 0);
    }

    private static YamlNode Node(YamlMappingNode root, params string[] path)
    {
        YamlNode node = root;
        foreach (var key in path) node = ((YamlMappingNode)node)[key];
        return node;
    }

    private static string Scalar(YamlMappingNode root, params string[] path) => ((YamlScalarNode)Node(root, path)).Value!;

    private static List<string> Command(YamlMappingNode job) =>
        ((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)Node(job, "spec", "template", "spec", "containers"))[0])["command"])
        .Select(n => ((YamlScalarNode)n).Value!).ToList();

    private static string Option(List<string> command, string name) =>
        command.IndexOf(name) is >= 0 and var i && i + 1 < command.Count ? command[i + 1] : throw new Xunit.Sdk.XunitException($"the command has no {name}");

    /// <summary>
    /// The README's Slurm guide, run: a one-node Slurm on this machine (scripts/slurm-local installs and starts it), the
    /// guide's deploy/slurm/rinr-array.sbatch submitting 3-task arrays for the stages and the dependent merge, and the
    /// merged outputs compared with one rinr run (as in <see cref="ShardingTests"/>). The daemons are stopped afterwards.
    /// </summary>
    [Fact]
    [Trait("Category", "Cluster")]
    public void A_three_task_slurm_array_and_its_merge_write_what_one_run_writes()
    {
        var root = RepoRoot();
        var dir = Directory.CreateTempSubdirectory("rinr-slurm-").FullName;
        var slurmDir = Path.Combine(dir, "slurm");
        var env = new Dictionary<string, string>
        {
            ["RINR_SLURM_DIR"] = slurmDir,
            ["SLURM_CONF"] = Path.Combine(slurmDir, "slurm.conf"),
        };
        try
        {
            Script(dir, env, 600, Path.Combine(root, "scripts", "slurm-local"), "start");
            var scenario = ShardingTests.WriteScenario(dir);
            var single = RinrProcess.Start("run", scenario, "--out", Path.Combine(dir, "single"), "--cache", Path.Combine(dir, "single-cache"), "--jobs", "1");

            var submit = Script(dir, new(env)
            {
                ["RINR"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "rinr.dll")}",
                ["RINR_CACHE"] = Path.Combine(dir, "cluster-cache"),
                ["RINR_SHARDS"] = "3",
                ["RINR_UNIT_FRAMES"] = "2",
                ["RINR_ENCODE_GRES"] = "", // this node has no GPU
                ["RINR_OUT"] = Path.Combine(dir, "merged"),
            }, 120, Path.Combine(root, "deploy", "slurm", "rinr-array.sbatch"), "s.yaml");
            Assert.Contains("encode array", submit);
            Assert.Contains("(3 tasks, 6 units)", submit);
            var mergeJob = Regex.Match(submit, @"merge job (\d+)").Groups[1].Value;
            Assert.NotEqual("", mergeJob);
            ShardingTests.Finish(single, "rinr run");

            // Bounded: every job of the scenario together takes about a minute here.
            var clock = Stopwatch.StartNew();
            string state;
            while (true)
            {
                state = Regex.Match(Script(dir, env, 30, "scontrol", "show", "job", mergeJob), @"JobState=(\w+)").Groups[1].Value;
                if (state is "COMPLETED" or "FAILED" or "CANCELLED" or "TIMEOUT" or "NODE_FAIL" or "OUT_OF_MEMORY") break;
                if (clock.Elapsed > TimeSpan.FromMinutes(10))
                    Assert.Fail($"the merge job {mergeJob} is still {state} after 10 minutes; queue:\n{Script(dir, env, 30, "squeue")}\n{Logs(dir)}");
                Thread.Sleep(1000);
            }
            Assert.True(state == "COMPLETED", $"the merge job {mergeJob} ended {state}\n{Logs(dir)}");

            var expected = RinrProcess.Results(Path.Combine(dir, "single"));
            var actual = RinrProcess.Results(Path.Combine(dir, "merged"));
            Assert.Equal(expected.Keys, actual.Keys);
            foreach (var (name, bytes) in expected)
                Assert.True(ShardingTests.WithoutMeasurements(name, bytes) == ShardingTests.WithoutMeasurements(name, actual[name]),
                    $"{name} differs between rinr run and the Slurm array's merge");
        }
        finally
        {
            try { Script(dir, env, 120, Path.Combine(root, "scripts", "slurm-local"), "stop"); }
            finally { Directory.Delete(dir, true); }
        }
    }

    /// <summary>The task logs (rinr-*.out in the submission folder), for a failure message.</summary>
    private static string Logs(string dir) => string.Join("\n", Directory.EnumerateFiles(dir, "rinr-*.out").Order()
        .Select(f => $"--- {Path.GetFileName(f)}\n{string.Join("\n", File.ReadLines(f).TakeLast(15))}"));

    /// <summary>Runs a script or Slurm command in <paramref name="dir"/>, failing with its output when it fails or outlives <paramref name="timeoutS"/>.</summary>
    private static string Script(string dir, Dictionary<string, string> env, int timeoutS, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutS * 1000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(file)} {string.Join(' ', args)} did not finish in {timeoutS} s: {stderr.Result}");
        }
        Assert.True(p.ExitCode == 0, $"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {p.ExitCode}: {stderr.Result}{stdout.Result}");
        return stdout.Result;
    }
}
