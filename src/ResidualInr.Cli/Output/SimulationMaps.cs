using CsvHelper.Configuration;
using ResidualInr.Cli.Sweeps;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Results;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Output;

// Every column is documented with its unit in scenarios/README.md.

/// <summary>A row of one of the sweep's CSVs: it belongs to a sweep point (transfers are written while the point still runs, so the point, not its result).</summary>
public interface ISweepRow
{
    SweepPoint Point { get; }
}

/// <summary>
/// The sweep's three CSVs share their first four columns, which name the sweep point: devices,
/// strategy, codec (what the strategy carried), model_bytes (train-fog only).
/// </summary>
public abstract class SweepRowMap<T> : ClassMap<T> where T : ISweepRow
{
    protected SweepRowMap()
    {
        Map(m => m.Point.Config.Devices).Name("devices").Index(0);
        Map(m => m.Point.Config.Strategy).Name("strategy").Index(1).Convert(a => a.Value.Point.Config.Strategy.ToName());
        Map(m => m.Point.Codec).Name("codec").Index(2);
        Map(m => m.Point.ModelBytes).Name("model_bytes").Index(3);
    }
}

/// <summary>A sweep point's totals.</summary>
public sealed record SummaryRow(SweepResult Sweep) : ISweepRow
{
    public SweepPoint Point => Sweep.Point;
}

/// <summary>summary.csv: one row per sweep point.</summary>
public sealed class SummaryRowMap : SweepRowMap<SummaryRow>
{
    public SummaryRowMap()
    {
        Map(m => m.Sweep.Summary.Downlink).Name("downlink").Index(4).Convert(a => a.Value.Sweep.Summary.Downlink.ToName());
        Map(m => m.Sweep.Summary.Topology).Name("topology").Index(5).Convert(a => a.Value.Sweep.Summary.Topology.ToName());
        Map(m => m.Sweep.Summary.FramesPerDevice).Name("frames_per_device").Index(6);
        Map(m => m.Sweep.Summary.BytesOnAir).Name("bytes_on_air").Index(7);
        Map(m => m.Sweep.Summary.BytesOffered).Name("bytes_offered").Index(8);
        Map(m => m.Sweep.Summary.BytesDelivered).Name("bytes_delivered").Index(9);
        Map(m => m.Sweep.Summary.BytesLost).Name("bytes_lost").Index(10);
        Map(m => m.Sweep.Summary.Transfers).Name("transfers").Index(11);
        Map(m => m.Sweep.Summary.AirtimeSeconds).Name("airtime_s").Index(12);
        Map(m => m.Sweep.Summary.MakespanSeconds).Name("makespan_s").Index(13);
        Map(m => m.Sweep.Summary.ChannelUtilisation).Name("channel_utilisation").Index(14);
        Map(m => m.Sweep.Summary.FramesLost).Name("frames_lost").Index(15);
        Map(m => m.Sweep.Summary.EventsProcessed).Name("events").Index(16);
        // The time axis (after the original columns, so readers by position keep working).
        Map(m => m.Sweep.Summary.DevicesComplete).Name("devices_complete").Index(17);
        Map(m => m.Sweep.Summary.FramesCaptured).Name("frames_captured").Index(18);
        Map(m => m.Sweep.Summary.FramesDelivered).Name("frames_delivered").Index(19);
        Map(m => m.Sweep.Summary.FramesPerSecond).Name("frames_per_s").Index(20);
        Map(m => m.Sweep.Summary.FrameAgeSecondsMean).Name("frame_age_s_mean").Index(21);
        Map(m => m.Sweep.Summary.FrameAgeSecondsP95).Name("frame_age_s_p95").Index(22);
        Map(m => m.Sweep.Summary.FogGpuUtilisation).Name("fog_gpu_utilisation").Index(23);
        Map(m => m.Sweep.Summary.FogBacklogMax).Name("fog_backlog_max").Index(24);
        Map(m => m.Sweep.Summary.FogWaitSecondsMean).Name("fog_wait_s_mean").Index(25);
        Map(m => m.Sweep.Summary.Path.Device).Name("path_device").Index(26);
        Map(m => m.Sweep.Summary.Path.CaptureSeconds).Name("path_capture_s").Index(27);
        Map(m => m.Sweep.Summary.Path.UplinkSeconds).Name("path_uplink_s").Index(28);
        Map(m => m.Sweep.Summary.Path.FogWaitSeconds).Name("path_fog_wait_s").Index(29);
        Map(m => m.Sweep.Summary.Path.EncodeSeconds).Name("path_encode_s").Index(30);
        Map(m => m.Sweep.Summary.Path.DownlinkSeconds).Name("path_downlink_s").Index(31);
        Map(m => m.Sweep.Summary.Path.DecodeSeconds).Name("path_decode_s").Index(32);
        Map(m => m.Sweep.Summary.Path.TrainSeconds).Name("path_train_s").Index(33);
        // Energy (after the time axis, so readers by position keep working).
        Map(m => m.Sweep.Summary.EnergyJoules).Name("energy_j").Index(34);
        Map(m => m.Sweep.Summary.FogEnergyJoules).Name("fog_energy_j").Index(35);
        Map(m => m.Sweep.Summary.FramesRepaired).Name("frames_repaired").Index(36);
        // The hybrid fog's and train-auto's choices (after the energy columns, so readers by position keep working).
        Map(m => m.Sweep.Summary.FogInrFrames).Name("fog_inr_frames").Index(37);
        Map(m => m.Sweep.Summary.FogJpegFrames).Name("fog_jpeg_frames").Index(38);
        Map(m => m.Sweep.Summary.InrShare).Name("inr_share").Index(39);
        Map(m => m.Sweep.Summary.TrainedAt).Name("trained_at").Index(40).Convert(a => a.Value.Sweep.Summary.TrainedAt.ToName());
    }
}

/// <summary>A device record with the sweep point it belongs to.</summary>
public sealed record DeviceRow(SweepResult Sweep, DeviceRecord Record) : ISweepRow
{
    public SweepPoint Point => Sweep.Point;
}

/// <summary>devices.csv: one row per device and sweep point.</summary>
public sealed class DeviceRowMap : SweepRowMap<DeviceRow>
{
    public DeviceRowMap()
    {
        Map(m => m.Record.Device).Name("device").Index(4);
        Map(m => m.Record.BytesSent).Name("bytes_sent").Index(5);
        Map(m => m.Record.BytesReceived).Name("bytes_received").Index(6);
        Map(m => m.Record.DataCompleteSeconds).Name("data_complete_s").Index(7);
        Map(m => m.Record.TrainingDoneSeconds).Name("training_done_s").Index(8);
        Map(m => m.Record.FramesLost).Name("frames_lost").Index(9);
        Map(m => m.Record.Complete).Name("complete").Index(10);
        Map(m => m.Record.FirstPayloadSeconds).Name("first_payload_s").Index(11);
        Map(m => m.Record.LastPayloadSeconds).Name("last_payload_s").Index(12);
        Map(m => m.Record.TrainingStartSeconds).Name("training_start_s").Index(13);
        Map(m => m.Record.RadioTxSeconds).Name("radio_tx_s").Index(14);
        Map(m => m.Record.RadioRxSeconds).Name("radio_rx_s").Index(15);
        Map(m => m.Record.RadioIdleSeconds).Name("radio_idle_s").Index(16);
        Map(m => m.Record.ComputeSeconds).Name("compute_s").Index(17);
        Map(m => m.Record.EnergyJoules).Name("energy_j").Index(18);
    }
}

/// <summary>A transfer record with the sweep point it belongs to.</summary>
public sealed record TransferRow(SweepPoint Point, TransferRecord Record) : ISweepRow;

/// <summary>transfers.csv: one row per logical transfer of the points that recorded them.</summary>
public sealed class TransferRowMap : SweepRowMap<TransferRow>
{
    public TransferRowMap()
    {
        Map(m => m.Record.StartSeconds).Name("start_s").Index(4);
        Map(m => m.Record.EndSeconds).Name("end_s").Index(5);
        Map(m => m.Record.Source).Name("source").Index(6);
        Map(m => m.Record.Destinations).Name("destinations").Index(7);
        Map(m => m.Record.Kind).Name("kind").Index(8);
        Map(m => m.Record.Bytes).Name("bytes").Index(9);
        Map(m => m.Record.Retries).Name("retries").Index(10);
        Map(m => m.Record.Lost).Name("lost").Index(11);
        Map(m => m.Record.Missed).Name("missed").Index(12);
        Map(m => m.Record.Reason).Name("reason").Index(13).Convert(a => a.Value.Record.Reason.ToName());
    }
}
