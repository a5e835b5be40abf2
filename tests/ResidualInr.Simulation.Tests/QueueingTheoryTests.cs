using ResidualInr.Simulation.Kernel;

namespace ResidualInr.Simulation.Tests;

/// <summary>Long runs of single-server queues built from the kernel agree with queueing theory.</summary>
public class QueueingTheoryTests
{
    /// <summary>Mean time in queue (before service) of a FIFO single server over <paramref name="customers"/> arrivals.</summary>
    private static double MeanWait(int customers, double arrivalRate, Func<Random, double> service, int seed)
    {
        var env = new SimEnvironment();
        var server = new Resource(env, 1);
        var streams = new RandomStreams(seed);
        var arrivals = streams.For("arrivals");
        var services = streams.For("service");
        double totalWait = 0;
        int served = 0;

        IEnumerable<Event> Customer()
        {
            double arrived = env.NowSeconds;
            using var req = server.Request();
            yield return req;
            totalWait += env.NowSeconds - arrived;
            served++;
            yield return env.Timeout(service(services));
        }
        IEnumerable<Event> Source()
        {
            for (int i = 0; i < customers; i++)
            {
                env.Process(Customer());
                yield return env.Timeout(RandomStreams.Exponential(arrivals, 1 / arrivalRate));
            }
        }
        env.Process(Source());
        env.Run();
        Assert.Equal(customers, served);
        return totalWait / served;
    }

    [Fact]
    public void MM1_mean_wait_is_within_2_percent_of_rho_over_mu_minus_lambda()
    {
        double lambda = 0.5, mu = 1.0;
        double theory = lambda / mu / (mu - lambda); // Wq = rho / (mu - lambda) = 1.0 s
        double simulated = MeanWait(400_000, lambda, r => RandomStreams.Exponential(r, 1 / mu), seed: 11);
        Assert.InRange(simulated, theory * 0.98, theory * 1.02);
    }

    [Fact]
    public void MD1_mean_wait_is_within_2_percent_of_pollaczek_khinchine()
    {
        double lambda = 0.5, d = 1.0, rho = lambda * d;
        double theory = rho * d / (2 * (1 - rho)); // Wq = rho / (2 mu (1 - rho)) = 0.5 s
        double simulated = MeanWait(400_000, lambda, _ => d, seed: 12);
        Assert.InRange(simulated, theory * 0.98, theory * 1.02);
    }
}
