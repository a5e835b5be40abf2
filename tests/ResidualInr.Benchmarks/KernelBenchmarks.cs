using BenchmarkDotNet.Attributes;
using ResidualInr.Simulation.Kernel;

namespace ResidualInr.Benchmarks;

/// <summary>
/// DES kernel throughput. Each benchmark processes a fixed number of events, reported as
/// OperationsPerInvoke, so BenchmarkDotNet's "Op/s" column reads as events per second.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private const int TimeoutsPerRun = 1_000_000;

    [Params(1, 100, 10_000)]
    public int Concurrent { get; set; }

    /// <summary>Many processes each waiting random timeouts: pure scheduling cost.</summary>
    [Benchmark(OperationsPerInvoke = TimeoutsPerRun)]
    public long RandomTimeouts()
    {
        var env = new SimEnvironment();
        var rng = new Random(1);
        int perProcess = TimeoutsPerRun / Concurrent;
        IEnumerable<Event> Sleeper()
        {
            for (int i = 0; i < perProcess; i++) yield return env.Timeout(rng.NextDouble());
        }
        for (int p = 0; p < Concurrent; p++) env.Process(Sleeper());
        env.Run();
        return env.ProcessedEvents;
    }
}

/// <summary>An M/M/c queue (c = 4, rho = 0.8): request, hold, release on a Resource.</summary>
[MemoryDiagnoser]
public class ResourceBenchmarks
{
    private const int Customers = 200_000;

    [Benchmark]
    public long MMcQueue()
    {
        var env = new SimEnvironment();
        var servers = new Resource(env, 4);
        var streams = new RandomStreams(1);
        var arrivals = streams.For("arrivals");
        var service = streams.For("service");
        IEnumerable<Event> Customer()
        {
            using var req = servers.Request();
            yield return req;
            yield return env.Timeout(RandomStreams.Exponential(service, 1.0));
        }
        IEnumerable<Event> Source()
        {
            for (int i = 0; i < Customers; i++)
            {
                env.Process(Customer());
                yield return env.Timeout(RandomStreams.Exponential(arrivals, 1 / 3.2));
            }
        }
        env.Process(Source());
        env.Run();
        return env.ProcessedEvents;
    }
}

/// <summary>
/// The cost of starting a process: many processes that each wait one zero timeout and end. Allocated bytes
/// per operation are one process start, its generator and one timeout.
/// </summary>
[MemoryDiagnoser]
public class KernelProcessBenchmarks
{
    private const int Processes = 100_000;

    [Benchmark(OperationsPerInvoke = Processes)]
    public long StartProcesses()
    {
        var env = new SimEnvironment();
        IEnumerable<Event> Once()
        {
            yield return env.Timeout(0);
        }
        for (int p = 0; p < Processes; p++) env.Process(Once());
        env.Run();
        return env.ProcessedEvents;
    }
}
