namespace ResidualInr.Simulation.Kernel;

/// <summary>
/// A resource with a number of identical slots (a GPU, a CPU, a radio). Requests are granted in
/// FIFO order. Dispose a granted request to release its slot; disposing a waiting request
/// withdraws it from the queue.
/// </summary>
public sealed class Resource
{
    private readonly LinkedList<Request> _queue = new();
    private readonly HashSet<Request> _users = [];

    public Resource(SimEnvironment env, int capacity = 1)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be at least 1");
        Env = env;
        Capacity = capacity;
    }

    public SimEnvironment Env { get; }
    public int Capacity { get; }
    public int InUse => _users.Count;
    public int QueueLength => _queue.Count;

    public Request Request()
    {
        var request = new Request(this);
        _queue.AddLast(request.Node);
        Grant();
        return request;
    }

    internal void Release(Request request)
    {
        if (_users.Remove(request)) Grant();
        else if (request.Node.List is not null) _queue.Remove(request.Node);
    }

    private void Grant()
    {
        while (_users.Count < Capacity && _queue.First is { } first)
        {
            _queue.RemoveFirst();
            _users.Add(first.Value);
            first.Value.Succeed();
        }
    }
}

/// <summary>A claim on one slot of a <see cref="Resource"/>; an event that succeeds when granted.</summary>
public sealed class Request : Event, IDisposable
{
    private readonly Resource _resource;

    internal Request(Resource resource) : base(resource.Env)
    {
        _resource = resource;
        Node = new LinkedListNode<Request>(this);
    }

    internal LinkedListNode<Request> Node { get; }

    public void Dispose() => _resource.Release(this);
}
