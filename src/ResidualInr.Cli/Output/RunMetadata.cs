using System.Collections;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ResidualInr.Imaging;
using TorchSharp;

namespace ResidualInr.Cli.Output;

/// <summary>
/// What produced a run's outputs: tool version and git commit, command and arguments, a hash of the
/// resolved configuration, seed, compute device, library versions, machine and times. Every command
/// that writes an output folder calls <see cref="Start(ParseResult, int?, string?)"/> (or
/// <see cref="Start(string, IReadOnlyList{string}, string, int?, string?)"/>) when it begins and
/// <see cref="Finish"/> when it is done, which writes <c>run.json</c> (snake_case keys) atomically.
/// run.json holds times, so it is never byte-identical between runs; the CSVs are unaffected.
/// </summary>
public sealed class RunMetadata
{
    public const string FileName = "run.json";
    private static readonly TimeSpan GitTimeout = TimeSpan.FromSeconds(5);

    private RunMetadata(string command, IReadOnlyList<string> args, string configText, int? seed, string? device)
    {
        Command = command;
        Args = args;
        ConfigSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(configText)));
        Seed = seed;
        Device = device;
        StartedUtc = DateTime.UtcNow;
        (GitSha, GitDirty) = GitState();
    }

    public string Tool => "rinr";
    public string Version { get; } = InformationalVersion(typeof(RunMetadata).Assembly);
    public string Command { get; }
    public IReadOnlyList<string> Args { get; }
    public string ConfigSha256 { get; }
    public int? Seed { get; }
    public string? Device { get; }
    /// <summary>The checkout's commit when the run started; null outside a git checkout or without git.</summary>
    public string? GitSha { get; }
    public bool? GitDirty { get; }
    public DateTime StartedUtc { get; }
    public DateTime? FinishedUtc { get; private set; }

    /// <summary>
    /// Starts the record of a run. <paramref name="configText"/> is the resolved configuration (for
    /// <c>rinr run</c>, <see cref="Canonical"/> of the scenario record); <paramref name="device"/> is
    /// <c>ComputeDevice.Describe</c> of the device used, or null when the command uses none.
    /// </summary>
    public static RunMetadata Start(string command, IReadOnlyList<string> args, string configText, int? seed, string? device) =>
        new(command, args, configText, seed, device);

    /// <summary>For commands: command path and arguments from the parse, and its resolved options (given or default) as the configuration.</summary>
    public static RunMetadata Start(ParseResult parse, int? seed = null, string? device = null) =>
        new(CommandPath(parse), parse.Tokens.Select(t => t.Value).ToList(), ResolvedOptions(parse), seed, device);

    /// <summary>A stable text of a configuration record (JSON, enums by name), for <see cref="Start(string, IReadOnlyList{string}, string, int?, string?)"/>.</summary>
    public static string Canonical(object config) => JsonSerializer.Serialize(config, config.GetType(), new JsonSerializerOptions
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    });

    /// <summary>Stamps the finish time and writes <c>run.json</c> into <paramref name="outDir"/> (created if needed).</summary>
    public RunMetadata Finish(string outDir)
    {
        FinishedUtc = DateTime.UtcNow;
        Directory.CreateDirectory(outDir);
        AtomicFile.WriteAllText(Path.Combine(outDir, FileName), ToJson());
        return this;
    }

    public string ToJson() => ToJsonObject().ToJsonString(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }) + "\n";

    public JsonObject ToJsonObject()
    {
        var env = Environment.Value;
        return new JsonObject
        {
            ["tool"] = Tool,
            ["version"] = Version,
            ["git_sha"] = GitSha,
            ["git_dirty"] = GitDirty,
            ["command"] = Command,
            ["args"] = new JsonArray(Args.Select(a => (JsonNode?)a).ToArray()),
            ["config_sha256"] = ConfigSha256,
            ["seed"] = Seed,
            ["device"] = Device,
            ["torchsharp_version"] = env.TorchSharpVersion,
            ["libtorch_version"] = env.LibTorchVersion,
            ["os"] = env.Os,
            ["cpu"] = env.Cpu,
            ["gpu"] = env.Gpu,
            ["started_utc"] = Time(StartedUtc),
            ["finished_utc"] = FinishedUtc is { } f ? Time(f) : null,
        };
    }

    /// <summary>The same facts as a short markdown block, for a report to open with.</summary>
    public string MarkdownHeader()
    {
        var env = Environment.Value;
        var git = GitSha is null ? "not a git checkout" : $"git {GitSha[..Math.Min(12, GitSha.Length)]}{(GitDirty == true ? " (uncommitted changes)" : "")}";
        var sb = new StringBuilder();
        sb.AppendLine($"- **{Tool} {Version}**, {git}: `rinr {string.Join(' ', Args)}`");
        sb.AppendLine($"- config sha256 `{ConfigSha256}`{(Seed is { } s ? $", seed {s}" : "")}{(Device is { } d ? $", device {d}" : "")}");
        sb.AppendLine($"- TorchSharp {env.TorchSharpVersion ?? "?"}, libtorch {env.LibTorchVersion ?? "?"}; {env.Os}; CPU {env.Cpu}{(env.Gpu is { } g ? $"; GPU {g}" : "")}");
        sb.AppendLine($"- started {Time(StartedUtc)}{(FinishedUtc is { } f ? $", finished {Time(f)}" : "")}");
        return sb.ToString();
    }

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is CommandResult parent; result = parent) names.Insert(0, result.Command.Name);
        return string.Join(' ', names);
    }

    /// <summary>"--name=value" per option of the command (given or default), sorted by name; lists joined by commas.</summary>
    private static string ResolvedOptions(ParseResult parse)
    {
        var lines = new List<string>();
        foreach (var option in parse.CommandResult.Command.Options.Where(o => o.Name != RinrApp.Verbose.Name).OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            var value = parse.GetResult(option) is OptionResult r ? r.GetValueOrDefault<object?>() : null;
            var text = value switch
            {
                null => "",
                string s => s,
                IEnumerable items => string.Join(",", items.Cast<object?>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture))),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            };
            lines.Add($"{option.Name}={text}");
        }
        return string.Join("\n", lines);
    }

    private static string InformationalVersion(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString() ?? "unknown";

    private sealed record Facts(string? TorchSharpVersion, string? LibTorchVersion, string Os, string Cpu, string? Gpu);

    /// <summary>The commit of the checkout the tool runs from (found above the assembly, else above the working directory), and whether it has uncommitted changes.</summary>
    private static (string? Sha, bool? Dirty) GitState()
    {
        var repo = FindRepository(AppContext.BaseDirectory) ?? FindRepository(System.Environment.CurrentDirectory);
        if (repo is null || Git(repo, "rev-parse HEAD") is not { Length: > 0 } head) return (null, null);
        return (head.Trim(), Git(repo, "status --porcelain") is { } status ? status.Trim().Length > 0 : null);
    }

    /// <summary>The machine and library facts: the same for every run of this process, so gathered once.</summary>
    private static readonly Lazy<Facts> Environment = new(() =>
    {
        string? libtorch = null, gpu = null;
        try
        {
            libtorch = torch.__version__; // "2.10.0.0": the libtorch package TorchSharp was built against
            if (System.Version.TryParse(libtorch, out var v) && v.Revision == 0) libtorch = v.ToString(3);
            if (torch.cuda.is_available()) gpu = GpuName() ?? $"cuda ({torch.cuda.device_count()} devices)";
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException or InvalidOperationException) { }
        var torchSharp = typeof(torch).Assembly;
        return new Facts(InformationalVersion(torchSharp).Split('+')[0], libtorch,
            $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})", CpuModel(), gpu);
    });

    /// <summary>The nearest folder at or above <paramref name="start"/> holding .git (a folder, or a file in a worktree).</summary>
    private static string? FindRepository(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var git = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(git) || System.IO.File.Exists(git)) return dir.FullName;
        }
        return null;
    }

    /// <summary>git's stdout, or null when git is missing, fails or takes longer than a few seconds.</summary>
    private static string? Git(string repo, string arguments) => RunTool("git", $"-C \"{repo}\" {arguments}");

    private static string? RunTool(string file, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(GitTimeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                return null;
            }
            return process.ExitCode == 0 ? output.Result : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; } // not installed
    }

    private static string? GpuName() =>
        RunTool("nvidia-smi", "--query-gpu=name --format=csv,noheader")?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

    private static string CpuModel()
    {
        string? model = null;
        try
        {
            if (System.IO.File.Exists("/proc/cpuinfo"))
                model = System.IO.File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        }
        catch (IOException) { }
        return $"{model ?? RuntimeInformation.ProcessArchitecture.ToString()} ({System.Environment.ProcessorCount} logical cores)";
    }
}
