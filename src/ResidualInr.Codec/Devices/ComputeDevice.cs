using ResidualInr.Imaging;
using TorchSharp;

namespace ResidualInr.Codec.Devices;

/// <summary>
/// The one place that chooses where tensors live. Everything in the codec and learning code asks
/// this for its device instead of naming "cpu" or "cuda" itself.
/// </summary>
public static class ComputeDevice
{
    /// <summary>"cpu" (the default) or "cuda"; asking for cuda without a usable GPU is an input error.</summary>
    public static torch.Device Resolve(string? name)
    {
        switch ((name ?? "cpu").Trim().ToLowerInvariant())
        {
            case "cpu":
                return torch.CPU;
            case "cuda":
                if (!torch.cuda.is_available())
                    throw new InputException("--device cuda was asked for, but TorchSharp sees no CUDA GPU (this build uses the CPU libtorch; see README)");
                return torch.CUDA;
            default:
                throw new InputException($"unknown device '{name}' (expected cpu or cuda)");
        }
    }

    /// <summary>A short description for reports and timing profiles.</summary>
    public static string Describe(torch.Device device) => device.type == DeviceType.CUDA
        ? "cuda"
        : $"cpu ({Environment.ProcessorCount} logical cores, {torch.get_num_threads()} torch threads)";
}
