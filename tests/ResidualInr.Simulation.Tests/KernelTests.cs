using ResidualInr.Simulation.Kernel;

namespace ResidualInr.Simulation.Tests;

/// <summary>The kernel's contract, in the style of SimPy's own test suite.</summary>
public class KernelTests
{
    [Fact]
    public void Timeouts_advance_the_clock_and_same_time_events_run_in_schedule_order()
    {
        var env = new SimEnvironment();
        var log = new List<string>();
        IEnumerable<Event> P(string name, double delay)
        {
            yield return env.Timeout(delay);
            log.Add($"{name}@{env.NowSeconds}");
        }
        env.Process(P("a", 2));
        env.Process(P("b", 1));
        env.Process(P("c", 2));
        env.Process(P("d", 1));
        env.Run();
        Assert.Equal(["b@1", "d@1", "a@2", "c@2"], log);
        Assert.Equal(2, env.NowSeconds);
    }

    [Theory]
    [InlineData(0.0, 1, 200)]
    [InlineData(0.0, 2, 1)]
    [InlineData(-7.5, 3, 200)]
    [InlineData(-7.5, 5, 1)]
    [InlineData(1e9, 4, 200)]
    public void Events_run_in_time_order_and_ties_in_schedule_order_whatever_the_delays(double start, int seed, int initial)
    {
        // Property: every scheduled event runs once, and the sequence of (time, order scheduled) is strictly
        // increasing. Delays mix zeros, whole seconds (many ties), fractions, tiny and huge values, and runs
        // stop at times in between (which peek at the queue), from a start that may be negative. From one
        // initial event the queue keeps running nearly empty; from 200 it stays full.
        var env = new SimEnvironment(start);
        var rng = new Random(seed);
        var fired = new List<(double Time, int Id)>();
        int scheduled = 0;
        double Delay() => rng.Next(6) switch
        {
            0 => 0,
            1 => rng.Next(3),
            2 => rng.NextDouble(),
            3 => rng.NextDouble() * 1e-9,
            4 => rng.NextDouble() * 1e6,
            _ => Math.Round(rng.NextDouble() * 4, 1),
        };
        void Schedule()
        {
            int id = scheduled++;
            env.Call(Delay(), () =>
            {
                fired.Add((env.NowSeconds, id));
                if (scheduled < 20_000)
                {
                    // Nearly empty: one or two children when the queue is empty, else none or one. Full: zero to two.
                    int children = initial > 1 ? rng.Next(3) : env.QueuedEvents == 0 ? rng.Next(1, 3) : rng.Next(2);
                    for (int k = 0; k < children; k++) Schedule();
                }
            });
        }
        for (int i = 0; i < initial; i++) Schedule();
        while (env.QueuedEvents > 0) env.Run(env.NowSeconds + rng.NextDouble() * 1e5);

        Assert.Equal(scheduled, fired.Count);
        Assert.Equal(scheduled, fired.Select(f => f.Id).Distinct().Count());
        for (int i = 1; i < fired.Count; i++)
            Assert.True(fired[i - 1].Time < fired[i].Time || (fired[i - 1].Time == fired[i].Time && fired[i - 1].Id < fired[i].Id),
                $"event {fired[i].Id} at {fired[i].Time} s ran after event {fired[i - 1].Id} at {fired[i - 1].Time} s");
    }

    [Fact]
    public void Run_until_a_time_stops_before_it_and_sets_the_clock()
    {
        var env = new SimEnvironment();
        int ticks = 0;
        IEnumerable<Event> Clock() { while (true) { yield return env.Timeout(1); ticks++; } }
        env.Process(Clock());
        env.Run(5.0);
        Assert.Equal(4, ticks); // ticks at 1..4; the one at 5 is not before 5
        Assert.Equal(5.0, env.NowSeconds);
    }

    [Fact]
    public void Run_until_an_event_returns_its_value_and_processes_return_when_done()
    {
        var env = new SimEnvironment();
        IEnumerable<Event> Child() { yield return env.Timeout(3); }
        IEnumerable<Event> Parent()
        {
            var child = env.Process(Child());
            yield return child;
            Assert.Equal(3, env.NowSeconds);
        }
        var parent = env.Process(Parent());
        env.Run(parent);
        Assert.True(parent.Ok);
        Assert.Equal(42, env.Run(env.Timeout(1, 42)));
    }

    [Fact]
    public void A_failed_event_is_seen_by_the_waiting_process_through_HandleFault()
    {
        var env = new SimEnvironment();
        var signal = env.Event();
        bool sawFault = false;
        IEnumerable<Event> Waiter()
        {
            yield return signal;
            sawFault = env.ActiveProcess!.HandleFault();
        }
        var waiter = env.Process(Waiter());
        env.Call(1, () => signal.Fail(new InvalidOperationException("link down")));
        env.Run();
        Assert.True(sawFault);
        Assert.True(waiter.Ok);
    }

    [Fact]
    public void An_ignored_failure_fails_the_process_and_stops_the_run_if_nobody_waits()
    {
        var env = new SimEnvironment();
        var signal = env.Event();
        IEnumerable<Event> Careless() { yield return signal; }
        env.Process(Careless());
        env.Call(1, () => signal.Fail(new InvalidOperationException("link down")));
        var e = Assert.Throws<SimulationException>(env.Run);
        Assert.Contains("link down", e.Message);
    }

    [Fact]
    public void An_exception_in_a_process_fails_it_and_a_parent_can_handle_that()
    {
        var env = new SimEnvironment();
        IEnumerable<Event> Broken() { yield return env.Timeout(1); throw new InvalidOperationException("boom"); }
        Exception? seen = null;
        IEnumerable<Event> Parent()
        {
            var child = env.Process(Broken());
            yield return child;
            if (env.ActiveProcess!.HandleFault()) seen = child.Error;
        }
        env.Process(Parent());
        env.Run();
        Assert.Equal("boom", seen?.Message);
    }

    [Fact]
    public void Interrupt_wakes_a_waiting_process_now_with_the_cause()
    {
        var env = new SimEnvironment();
        var log = new List<string>();
        IEnumerable<Event> Sleeper()
        {
            yield return env.Timeout(10);
            if (env.ActiveProcess!.HandleInterrupt()) log.Add($"woken@{env.NowSeconds} by {env.ActiveProcess.InterruptCause}");
            yield return env.Timeout(1);
            log.Add($"done@{env.NowSeconds}");
        }
        var sleeper = env.Process(Sleeper());
        env.Call(3, () => sleeper.Interrupt("alarm"));
        env.Run();
        Assert.Equal(["woken@3 by alarm", "done@4"], log);
    }

    [Fact]
    public void An_unhandled_interrupt_fails_the_process()
    {
        var env = new SimEnvironment();
        IEnumerable<Event> Sleeper() { yield return env.Timeout(10); }
        var sleeper = env.Process(Sleeper());
        env.Call(3, () => sleeper.Interrupt("alarm"));
        Assert.Throws<SimulationException>(env.Run);
        Assert.IsType<InterruptedException>(sleeper.Error);
    }

    [Fact]
    public void AllOf_waits_for_every_event_and_AnyOf_for_the_first()
    {
        var env = new SimEnvironment();
        double allAt = -1, anyAt = -1;
        IEnumerable<Event> P()
        {
            var any = env.AnyOf(env.Timeout(2), env.Timeout(5));
            yield return any;
            anyAt = env.NowSeconds;
            yield return env.AllOf(env.Timeout(1), env.Timeout(4), env.Timeout(3));
            allAt = env.NowSeconds;
        }
        env.Process(P());
        env.Run();
        Assert.Equal(2, anyAt);
        Assert.Equal(6, allAt);
    }

    [Fact]
    public void AllOf_fails_when_one_of_its_events_fails()
    {
        var env = new SimEnvironment();
        var bad = env.Event();
        bool failed = false;
        IEnumerable<Event> P()
        {
            yield return env.AllOf(env.Timeout(5), bad);
            failed = env.ActiveProcess!.HandleFault();
        }
        env.Process(P());
        env.Call(1, () => bad.Fail(new Exception("x")));
        env.Run();
        Assert.True(failed);
        Assert.Equal(5, env.NowSeconds); // the other timeout still runs out
    }

    [Fact]
    public void Resource_serves_requests_fifo_within_capacity()
    {
        var env = new SimEnvironment();
        var res = new Resource(env, capacity: 2);
        var log = new List<string>();
        IEnumerable<Event> User(string name, double hold)
        {
            using var req = res.Request();
            yield return req;
            log.Add($"{name}+{env.NowSeconds}");
            yield return env.Timeout(hold);
        }
        foreach (var (n, h) in new[] { ("a", 3.0), ("b", 1.0), ("c", 1.0), ("d", 1.0) }) env.Process(User(n, h));
        env.Run();
        Assert.Equal(["a+0", "b+0", "c+1", "d+2"], log);
        Assert.Equal(0, res.InUse);
    }

    [Fact]
    public void A_withdrawn_request_leaves_the_queue()
    {
        var env = new SimEnvironment();
        var res = new Resource(env);
        var holder = res.Request();
        var waiting = res.Request();
        Assert.Equal(1, res.QueueLength);
        waiting.Dispose();
        Assert.Equal(0, res.QueueLength);
        holder.Dispose();
        env.Run();
        Assert.False(waiting.IsTriggered);
    }

    [Fact]
    public void Requests_withdrawn_while_the_slot_is_held_do_not_pile_up_and_the_rest_keep_their_order()
    {
        // A process that gives up waiting after a timeout, again and again, while one holder keeps the slot.
        var env = new SimEnvironment();
        var res = new Resource(env);
        var holder = res.Request();
        var kept = new List<Request>();
        for (int i = 0; i < 10_000; i++)
        {
            var r = res.Request();
            if (i % 1000 == 0) kept.Add(r);
            else r.Dispose();
            Assert.True(res.RingLength <= 2 * res.QueueLength + 17, $"{res.RingLength} entries for {res.QueueLength} waiting");
        }
        Assert.Equal(kept.Count, res.QueueLength);
        var granted = new List<int>();
        for (int i = 0; i < kept.Count; i++) { int k = i; kept[i].AddCallback(_ => { granted.Add(k); kept[k].Dispose(); }); }
        holder.Dispose();
        env.Run();
        Assert.Equal(Enumerable.Range(0, kept.Count), granted);
        Assert.Equal(0, res.InUse);
    }

    [Fact]
    public void Store_hands_items_over_fifo_and_blocks_putters_when_full()
    {
        var env = new SimEnvironment();
        var store = new Store<int>(env, capacity: 1);
        var log = new List<string>();
        IEnumerable<Event> Producer()
        {
            for (int i = 0; i < 3; i++) { yield return store.Put(i); log.Add($"put{i}@{env.NowSeconds}"); }
        }
        IEnumerable<Event> Consumer()
        {
            for (int i = 0; i < 3; i++)
            {
                yield return env.Timeout(1);
                var get = store.Get();
                yield return get;
                log.Add($"got{get.Value}@{env.NowSeconds}");
            }
        }
        env.Process(Producer());
        env.Process(Consumer());
        env.Run();
        Assert.Equal(["put0@0", "got0@1", "put1@1", "got1@2", "put2@2", "got2@3"], log);
    }

    [Fact]
    public void Random_streams_are_per_entity_and_reproducible()
    {
        var a = new RandomStreams(7);
        var b = new RandomStreams(7);
        Assert.Equal(a.For("dev3").Next(), b.For("dev3").Next());
        Assert.NotEqual(a.For("dev3").Next(), a.For("dev4").Next());
        Assert.NotEqual(a.For("dev3").Next(), new RandomStreams(8).For("dev3").Next());
    }

    [Fact]
    public void Negative_delays_are_rejected()
    {
        var env = new SimEnvironment();
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Timeout(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Timeout(double.NaN));
    }
}
