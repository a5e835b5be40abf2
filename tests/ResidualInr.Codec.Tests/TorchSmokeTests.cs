using ResidualInr.Codec.Devices;
using ResidualInr.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Tests;

/// <summary>Proves on every CI machine that the native libtorch loads (it needs GLIBCXX_3.4.32).</summary>
public class TorchSmokeTests
{
    [Fact]
    public void Libtorch_loads_and_multiplies_matrices()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);
        var c = matmul(a, b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }

    [Fact]
    public void Cpu_is_the_default_device_and_unknown_devices_are_input_errors()
    {
        Assert.Equal(DeviceType.CPU, ComputeDevice.Resolve(null).type);
        Assert.Throws<InputException>(() => ComputeDevice.Resolve("tpu"));
        if (!cuda.is_available())
            Assert.Contains("no CUDA GPU", Assert.Throws<InputException>(() => ComputeDevice.Resolve("cuda")).Message);
    }

    [Fact]
    public void On_linux_tensor_memory_stays_on_the_heap_and_tensors_still_work()
    {
        // glibc's mallopt accepts both settings (the CI machines and this project's targets are glibc Linux).
        Assert.Equal(OperatingSystem.IsLinux(), ComputeDevice.KeepTensorMemoryOnTheHeap());
        using var scope = NewDisposeScope();
        var a = ones([1024, 1024]); // 4 MB: above glibc's first mmap threshold, below the new one
        for (int i = 0; i < 3; i++) a = a + 1;
        Assert.Equal(4f, a[0, 0].item<float>());
    }
}
