namespace ResidualInr.Simulation.Results;

/// <summary>
/// Where a simulation hands each transfer as it completes. Transfers are the one record that grows as N² (unicast
/// sharing), so nothing keeps them unless someone asked: a sink writes them out as they come (the CLI's transfers.csv)
/// or, for tests and small library uses, <see cref="Strategies.SimulationConfig.RecordTransfers"/> keeps them in the result.
/// Called on the simulation's thread, in completion order; one sink serves one simulation.
/// </summary>
public interface ITransferSink
{
    void Add(TransferRecord transfer);
}
