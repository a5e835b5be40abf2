namespace ResidualInr.Simulation.Network;

/// <summary>
/// Who a transmission is for: one node, an explicit list, or every device but one. The last is
/// kept as a rule, not a list, so a broadcast to 10,000 devices costs no 10,000-entry array.
/// </summary>
public sealed class ReceiverSet
{
    private readonly int[]? _list;
    private readonly int _devices, _except;

    private ReceiverSet(int[]? list, int devices, int except)
    {
        _list = list;
        _devices = devices;
        _except = except;
    }

    public static ReceiverSet Of(params int[] nodes) => new(nodes, 0, -1);

    /// <summary>Devices 0..devices-1 except <paramref name="except"/> (-1 for none).</summary>
    public static ReceiverSet AllDevicesExcept(int devices, int except) => new(null, devices, except);

    public int Count => _list?.Length ?? (_except >= 0 && _except < _devices ? _devices - 1 : _devices);

    public int this[int i] => _list is not null ? _list[i] : _except >= 0 && i >= _except ? i + 1 : i;

    /// <summary>
    /// Whether this is the rule "devices 0..<paramref name="devices"/>-1 except <paramref name="except"/>" (-1 for none), not a
    /// list: then its receivers need not be visited one by one (<see cref="Strategies.BroadcastReceipts"/>).
    /// </summary>
    public bool IsAllDevicesExcept(out int devices, out int except)
    {
        devices = _devices;
        except = _except >= 0 && _except < _devices ? _except : -1;
        return _list is null;
    }

    public IEnumerable<int> Nodes
    {
        get
        {
            for (int i = 0; i < Count; i++) yield return this[i];
        }
    }
}

/// <summary>
/// One-node receiver sets, made once per node and shared: a unicast copy names its receiver with one of
/// these instead of a new set each time. Not thread-safe; one per network.
/// </summary>
public sealed class SingleReceivers(int nodes)
{
    private readonly ReceiverSet?[] _sets = new ReceiverSet?[nodes];

    public ReceiverSet this[int node] => _sets[node] ??= ReceiverSet.Of(node);
}
