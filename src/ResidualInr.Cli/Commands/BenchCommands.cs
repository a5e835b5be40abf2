using System.CommandLine;
using System.Globalization;
using ResidualInr.Codec.Devices;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Imaging;

namespace ResidualInr.Cli.Commands;

/// <summary><c>rinr bench codec</c>: the codec's speed and memory figures, measured side by side in one run.</summary>
public static class BenchCommands
{
    public static Command Build()
    {
        var bench = new Command("bench", "Measure performance on this machine.");
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var size = new Option<string>("--size") { Description = "Frame size WxH for encode/decode measurements.", DefaultValueFactory = _ => "160x90" };
        var steps = new Option<int>("--steps") { Description = "Adam steps per encode measurement.", DefaultValueFactory = _ => 20 };
        var batch = new Option<int>("--batch") { Description = "Images per batch.", DefaultValueFactory = _ => 16 };
        var memoryFrames = new Option<int>("--memory-frames") { Description = "Small frames to encode while watching memory (0 skips).", DefaultValueFactory = _ => 1000 };
        var warmSteps = new Option<int>("--warm-start-steps") { Description = "Steps of the warm-start comparison (0 skips).", DefaultValueFactory = _ => 300 };
        var outFile = new Option<string?>("--out") { Description = "Also write the figures to this CSV file." };
        var codec = new Command("codec", "Encode throughput (batched vs one image, and as a fraction of FP32 matmul peak), batched INR decode vs JPEG decode, memory over 1,000 encodes, warm-start savings.")
        {
            device, size, steps, batch, memoryFrames, warmSteps, outFile,
        };
        codec.SetAction(parse =>
        {
            var (w, h) = DatasetCommands.ParseSize(parse.GetValue(size)!, "--size");
            int s = parse.GetValue(steps), b = parse.GetValue(batch);
            if (s < 1 || b < 1) throw new InputException("--steps and --batch must be at least 1");
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var options = new CodecBenchmarkOptions(w, h, s, b, parse.GetValue(memoryFrames), parse.GetValue(warmSteps));
            var figures = new CodecBenchmark(torchDevice, options, stage => Console.Error.WriteLine($"[rinr] bench: {stage}")).Run();
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"device: {ComputeDevice.Describe(torchDevice)}");
            foreach (var f in figures)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{f.Name,-42} {f.Value,12:G5} {f.Unit,-15} {f.Detail}"));
            if (parse.GetValue(outFile) is { } path)
                AtomicFile.Write(path, writer =>
                {
                    writer.WriteLine("name,value,unit,detail");
                    foreach (var f in figures)
                        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\"{f.Name}\",{f.Value:R},\"{f.Unit}\",\"{f.Detail.Replace("\"", "'")}\""));
                });
            return RinrApp.ExitOk;
        });
        bench.Subcommands.Add(codec);
        return bench;
    }
}
