namespace ResidualInr.Simulation.Kernel;

/// <summary>
/// A resource with a number of identical slots (a GPU, a CPU, a radio). Requests are granted in
/// FIFO order. Dispose a granted request to release its slot; disposing a waiting request
/// withdraws it from the queue.
/// <para>
/// A request knows whether it waits, holds a slot or is done, so the resource needs no set of its
/// users, and a withdrawn request stays in the FIFO ring, marked, until it reaches the front and is
/// skipped: no linked-list node per request, and withdrawing is O(1). When withdrawn requests
/// outnumber waiting ones the ring is rebuilt without them, so its memory stays proportional to
/// what waits.
/// </para>
/// </summary>
public sealed class Resource
{
    private readonly Queue<Request> _queue = new();
    private int _waiting;

    public Resource(SimEnvironment env, int capacity = 1)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be at least 1");
        Env = env;
        Capacity = capacity;
    }

    public SimEnvironment Env { get; }
    public int Capacity { get; }
    public int InUse { get; private set; }
    public int QueueLength => _waiting;

    public Request Request()
    {
        var request = new Request(this);
        _queue.Enqueue(request);
        _waiting++;
        Grant();
        return request;
    }

    internal void Release(Request request)
    {
        switch (request.State)
        {
            case RequestState.Granted:
                request.State = RequestState.Done;
                InUse--;
                Grant();
                break;
            case RequestState.Waiting:
                request.State = RequestState.Done; // skipped when it reaches the front
                _waiting--;
                int withdrawn = _queue.Count - _waiting;
                if (withdrawn > 16 && withdrawn > _waiting) DropWithdrawn();
                break;
        }
    }

    /// <summary>Entries in the FIFO ring, withdrawn ones included (for tests of its bound).</summary>
    internal int RingLength => _queue.Count;

    private void DropWithdrawn()
    {
        int n = _queue.Count;
        for (int i = 0; i < n; i++)
        {
            var r = _queue.Dequeue();
            if (r.State == RequestState.Waiting) _queue.Enqueue(r);
        }
    }

    private void Grant()
    {
        while (InUse < Capacity && _queue.TryDequeue(out var first))
        {
            if (first.State != RequestState.Waiting) continue;
            first.State = RequestState.Granted;
            _waiting--;
            InUse++;
            first.Succeed();
        }
    }
}

internal enum RequestState : byte { Waiting, Granted, Done }

/// <summary>A claim on one slot of a <see cref="Resource"/>; an event that succeeds when granted.</summary>
public sealed class Request : Event, IDisposable
{
    private readonly Resource _resource;

    internal Request(Resource resource) : base(resource.Env) => _resource = resource;

    internal RequestState State { get; set; }

    public void Dispose() => _resource.Release(this);
}
