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

    /// <summary>
    /// Lets FP32 matrix products on a GPU use TF32 tensor cores (10-bit mantissa inputs, FP32 accumulation):
    /// cuBLAS's switch, torch.backends.cuda.matmul.allow_tf32 (convolutions keep libtorch's default). Off by
    /// default, because it changes the numbers; <c>rinr bench codec --tf32</c> and <c>rinr bench convergence --tf32</c> measure what it
    /// buys and whether the PSNR moves. No effect on a CPU.
    /// </summary>
    public static void UseTf32(bool on) => torch.backends.cuda.matmul.allow_tf32 = on;

    /// <summary>Whether FP32 matrix products may use TF32 (see <see cref="UseTf32"/>): libtorch's own switch, read back.</summary>
    public static bool Tf32 => torch.backends.cuda.matmul.allow_tf32;

    /// <summary>
    /// libtorch's intra-op CPU threads (<c>rinr --threads N</c>). libtorch starts one per core, which is right on
    /// a quiet machine; where other processes keep the cores busy its threads wait on one another, and a single
    /// thread was measured 10-70x faster for the detector's small convolutions. Floating-point sums may then be
    /// ordered differently, so the last bits of results can differ between thread counts.
    /// </summary>
    public static void UseCpuThreads(int threads)
    {
        if (threads < 1 || threads > 1024) throw new InputException($"--threads must be between 1 and 1024, got {threads}");
        torch.set_num_threads(threads);
    }

    /// <summary>
    /// Keeps libtorch's CPU tensors on glibc's heap instead of fresh memory maps. glibc serves an allocation above its
    /// mmap threshold (128 kB at start, raised only by some frees) with a new mapping and unmaps it on free, so every
    /// step of an INR fit, whose activations are 1 to 13 MB each, page-faulted and zeroed its memory again: measured
    /// 2.2x slower per step (<c>rinr encode --codec rapid-inr</c> at 160x90, results/benchmarks.md). A fixed threshold
    /// of 32 MB (glibc's largest) and a trim threshold of 256 MB keep freed blocks for reuse; the arithmetic is the same
    /// to the bit, and the process keeps at most 256 MB it does not use. Call once at start, before tensors are made;
    /// on a C library without <c>mallopt</c> (not glibc) nothing changes. Returns whether both settings took.
    /// </summary>
    public static bool KeepTensorMemoryOnTheHeap()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return Mallopt(MmapThreshold, 32 << 20) == 1 & Mallopt(TrimThreshold, 256 << 20) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private const int TrimThreshold = -1, MmapThreshold = -3; // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD in <malloc.h>

    [System.Runtime.InteropServices.DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);

    /// <summary>A short description for reports and timing profiles.</summary>
    public static string Describe(torch.Device device) => device.type == DeviceType.CUDA
        ? (Tf32 ? "cuda (TF32 matmuls)" : "cuda")
        : $"cpu ({Environment.ProcessorCount} logical cores, {torch.get_num_threads()} torch threads)";
}
