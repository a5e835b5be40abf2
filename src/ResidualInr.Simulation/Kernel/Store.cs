namespace ResidualInr.Simulation.Kernel;

/// <summary>
/// A FIFO buffer of items between processes. <see cref="Put"/> waits while the store is full;
/// <see cref="Get"/> waits until an item is there and has it as its value.
/// </summary>
public sealed class Store<T>
{
    private readonly Queue<T> _items = new();
    private readonly Queue<(Event Put, T Item)> _putters = new();
    private readonly Queue<Event> _getters = new();

    public Store(SimEnvironment env, int capacity = int.MaxValue)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be at least 1");
        Env = env;
        Capacity = capacity;
    }

    public SimEnvironment Env { get; }
    public int Capacity { get; }
    public int Count => _items.Count;

    public Event Put(T item)
    {
        var put = new Event(Env);
        _putters.Enqueue((put, item));
        Balance();
        return put;
    }

    public Event Get()
    {
        var get = new Event(Env);
        _getters.Enqueue(get);
        Balance();
        return get;
    }

    /// <summary>Takes up to <paramref name="max"/> items that are already there, without waiting.</summary>
    public List<T> TakeAvailable(int max)
    {
        var taken = new List<T>();
        while (taken.Count < max && _items.Count > 0) taken.Add(_items.Dequeue());
        Balance();
        return taken;
    }

    private void Balance()
    {
        bool moved = true;
        while (moved)
        {
            moved = false;
            if (_putters.Count > 0 && _items.Count < Capacity)
            {
                var (put, item) = _putters.Dequeue();
                _items.Enqueue(item);
                put.Succeed();
                moved = true;
            }
            if (_getters.Count > 0 && _items.Count > 0)
            {
                _getters.Dequeue().Succeed(_items.Dequeue());
                moved = true;
            }
        }
    }
}
