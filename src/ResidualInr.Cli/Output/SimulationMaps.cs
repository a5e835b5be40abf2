using CsvHelper.Configuration;
using ResidualInr.Cli.Sweeps;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Results;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Output;

// The sweep's three CSVs share their first four columns, which name the sweep point:
// devices, strategy, codec (what the strategy carried), model_bytes (train-fog only).
// Every column is documented with its unit in scenarios/README.md.

/// <summary>summary.csv: one row per sweep point.</summary>
public sealed class SummaryRowMap : ClassMap<SweepResult>
{
    public SummaryRowMap()
    {
        Map(m => m.Summary.Devices).Name("devices").Index(0);
        Map(m => m.Summary.Strategy).Name("strategy").Index(1).Convert(a => a.Value.Summary.Strategy.ToName());
        Map(m => m.Codec).Name("codec").Index(2);
        Map(m => m.ModelBytes).Name("model_bytes").Index(3);
        Map(m => m.Summary.Downlink).Name("downlink").Index(4).Convert(a => a.Value.Summary.Downlink.ToName());
        Map(m => m.Summary.Topology).Name("topology").Index(5).Convert(a => a.Value.Summary.Topology.ToName());
        Map(m => m.Summary.FramesPerDevice).Name("frames_per_device").Index(6);
        Map(m => m.Summary.BytesOnAir).Name("bytes_on_air").Index(7);
        Map(m => m.Summary.BytesOffered).Name("bytes_offered").Index(8);
        Map(m => m.Summary.BytesDelivered).Name("bytes_delivered").Index(9);
        Map(m => m.Summary.BytesLost).Name("bytes_lost").Index(10);
        Map(m => m.Summary.Transfers).Name("transfers").Index(11);
        Map(m => m.Summary.AirtimeSeconds).Name("airtime_s").Index(12);
        Map(m => m.Summary.MakespanSeconds).Name("makespan_s").Index(13);
        Map(m => m.Summary.ChannelUtilisation).Name("channel_utilisation").Index(14);
        Map(m => m.Summary.FramesLost).Name("frames_lost").Index(15);
        Map(m => m.Summary.EventsProcessed).Name("events").Index(16);
    }
}

/// <summary>A device record with the sweep point it belongs to.</summary>
public sealed record DeviceRow(SweepResult Point, DeviceRecord Record);

/// <summary>devices.csv: one row per device and sweep point.</summary>
public sealed class DeviceRowMap : ClassMap<DeviceRow>
{
    public DeviceRowMap()
    {
        Map(m => m.Point.Summary.Devices).Name("devices").Index(0);
        Map(m => m.Point.Summary.Strategy).Name("strategy").Index(1).Convert(a => a.Value.Point.Summary.Strategy.ToName());
        Map(m => m.Point.Codec).Name("codec").Index(2);
        Map(m => m.Point.ModelBytes).Name("model_bytes").Index(3);
        Map(m => m.Record.Device).Name("device").Index(4);
        Map(m => m.Record.BytesSent).Name("bytes_sent").Index(5);
        Map(m => m.Record.BytesReceived).Name("bytes_received").Index(6);
        Map(m => m.Record.DataCompleteSeconds).Name("data_complete_s").Index(7);
        Map(m => m.Record.TrainingDoneSeconds).Name("training_done_s").Index(8);
        Map(m => m.Record.FramesLost).Name("frames_lost").Index(9);
    }
}

/// <summary>A transfer record with the sweep point it belongs to.</summary>
public sealed record TransferRow(SweepResult Point, TransferRecord Record);

/// <summary>transfers.csv: one row per logical transfer of the points that recorded them.</summary>
public sealed class TransferRowMap : ClassMap<TransferRow>
{
    public TransferRowMap()
    {
        Map(m => m.Point.Summary.Devices).Name("devices").Index(0);
        Map(m => m.Point.Summary.Strategy).Name("strategy").Index(1).Convert(a => a.Value.Point.Summary.Strategy.ToName());
        Map(m => m.Point.Codec).Name("codec").Index(2);
        Map(m => m.Point.ModelBytes).Name("model_bytes").Index(3);
        Map(m => m.Record.StartSeconds).Name("start_s").Index(4);
        Map(m => m.Record.EndSeconds).Name("end_s").Index(5);
        Map(m => m.Record.Source).Name("source").Index(6);
        Map(m => m.Record.Destinations).Name("destinations").Index(7);
        Map(m => m.Record.Kind).Name("kind").Index(8);
        Map(m => m.Record.Bytes).Name("bytes").Index(9);
        Map(m => m.Record.Retries).Name("retries").Index(10);
        Map(m => m.Record.Lost).Name("lost").Index(11);
    }
}
