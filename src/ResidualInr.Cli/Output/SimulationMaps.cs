using CsvHelper.Configuration;
using ResidualInr.Simulation.Results;

namespace ResidualInr.Cli.Output;

public sealed class RunSummaryMap : ClassMap<RunSummary>
{
    public RunSummaryMap()
    {
        Map(m => m.Strategy).Name("strategy").Index(0);
        Map(m => m.Downlink).Name("downlink").Index(1);
        Map(m => m.Topology).Name("topology").Index(2);
        Map(m => m.Devices).Name("devices").Index(3);
        Map(m => m.FramesPerDevice).Name("frames_per_device").Index(4);
        Map(m => m.BytesOnAir).Name("bytes_on_air").Index(5);
        Map(m => m.BytesOffered).Name("bytes_offered").Index(6);
        Map(m => m.BytesDelivered).Name("bytes_delivered").Index(7);
        Map(m => m.BytesLost).Name("bytes_lost").Index(8);
        Map(m => m.Transfers).Name("transfers").Index(9);
        Map(m => m.AirtimeSeconds).Name("airtime_s").Index(10);
        Map(m => m.MakespanSeconds).Name("makespan_s").Index(11);
        Map(m => m.ChannelUtilisation).Name("channel_utilisation").Index(12);
        Map(m => m.FramesLost).Name("frames_lost").Index(13);
        Map(m => m.EventsProcessed).Name("events").Index(14);
    }
}

/// <summary>A device record with the sweep point it belongs to.</summary>
public sealed record DeviceRow(string Strategy, int Devices, DeviceRecord Record);

public sealed class DeviceRowMap : ClassMap<DeviceRow>
{
    public DeviceRowMap()
    {
        Map(m => m.Strategy).Name("strategy").Index(0);
        Map(m => m.Devices).Name("devices").Index(1);
        Map(m => m.Record.Device).Name("device").Index(2);
        Map(m => m.Record.BytesSent).Name("bytes_sent").Index(3);
        Map(m => m.Record.BytesReceived).Name("bytes_received").Index(4);
        Map(m => m.Record.DataCompleteSeconds).Name("data_complete_s").Index(5);
        Map(m => m.Record.TrainingDoneSeconds).Name("training_done_s").Index(6);
        Map(m => m.Record.FramesLost).Name("frames_lost").Index(7);
    }
}

/// <summary>A transfer record with the sweep point it belongs to.</summary>
public sealed record TransferRow(string Strategy, int Devices, TransferRecord Record);

public sealed class TransferRowMap : ClassMap<TransferRow>
{
    public TransferRowMap()
    {
        Map(m => m.Strategy).Name("strategy").Index(0);
        Map(m => m.Devices).Name("devices").Index(1);
        Map(m => m.Record.StartSeconds).Name("start_s").Index(2);
        Map(m => m.Record.EndSeconds).Name("end_s").Index(3);
        Map(m => m.Record.Source).Name("source").Index(4);
        Map(m => m.Record.Destinations).Name("destinations").Index(5);
        Map(m => m.Record.Kind).Name("kind").Index(6);
        Map(m => m.Record.Bytes).Name("bytes").Index(7);
        Map(m => m.Record.Retries).Name("retries").Index(8);
        Map(m => m.Record.Lost).Name("lost").Index(9);
    }
}

/// <summary>A run summary with the codec whose payloads the strategy carried.</summary>
public sealed record SweepRow(string Codec, long? ModelBytes, RunSummary Summary);

public sealed class SweepRowMap : ClassMap<SweepRow>
{
    public SweepRowMap()
    {
        Map(m => m.Summary.Devices).Name("devices").Index(0);
        Map(m => m.Summary.Strategy).Name("strategy").Index(1);
        Map(m => m.Codec).Name("codec").Index(2);
        Map(m => m.Summary.Downlink).Name("downlink").Index(3);
        Map(m => m.Summary.Topology).Name("topology").Index(4);
        Map(m => m.Summary.FramesPerDevice).Name("frames_per_device").Index(5);
        Map(m => m.Summary.BytesOnAir).Name("bytes_on_air").Index(6);
        Map(m => m.Summary.BytesOffered).Name("bytes_offered").Index(7);
        Map(m => m.Summary.BytesLost).Name("bytes_lost").Index(8);
        Map(m => m.Summary.Transfers).Name("transfers").Index(9);
        Map(m => m.Summary.AirtimeSeconds).Name("airtime_s").Index(10);
        Map(m => m.Summary.MakespanSeconds).Name("makespan_s").Index(11);
        Map(m => m.Summary.ChannelUtilisation).Name("channel_utilisation").Index(12);
        Map(m => m.Summary.FramesLost).Name("frames_lost").Index(13);
        Map(m => m.ModelBytes).Name("model_bytes").Index(14);
    }
}
