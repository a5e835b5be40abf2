using TorchSharp;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Siren;

/// <summary>
/// B SIRENs of one shape, stored stacked: layer l's weights are [B, in, out] and its biases
/// [B, 1, out], so a forward pass over B images is one <c>bmm</c> per layer, never a loop over
/// images. Owns its tensors: dispose it when done.
/// </summary>
public sealed class BatchedSiren : IDisposable
{
    public BatchedSiren(SirenShape shape, int batch, Device device)
    {
        Shape = shape;
        Batch = batch;
        Device = device;
        Weights = new Tensor[shape.Layers.Count];
        Biases = new Tensor[shape.Layers.Count];
        for (int l = 0; l < Weights.Length; l++)
        {
            var (fin, fout) = shape.Layers[l];
            Weights[l] = zeros([batch, fin, fout], device: device);
            Biases[l] = zeros([batch, 1, fout], device: device);
        }
    }

    public SirenShape Shape { get; }
    public int Batch { get; }
    public Device Device { get; }
    public Tensor[] Weights { get; }
    public Tensor[] Biases { get; }

    public IEnumerable<Tensor> Parameters => Weights.Concat(Biases);

    /// <summary>
    /// The reference initialisation: first layer U(±1/fan_in), every other layer
    /// U(±sqrt(6/fan_in)/w0), on weights and biases alike. With <paramref name="scale"/> a (weight
    /// scaling, arXiv 2410.04779): first layer U(±a/fan_in), every other layer U(±a·sqrt(6/fan_in)/w0).
    /// Draws come from a CPU generator and are copied over, so a seed gives the same networks on the
    /// CPU and on a GPU.
    /// </summary>
    public void Initialise(Generator cpuGenerator, double? scale = null)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        for (int l = 0; l < Weights.Length; l++)
        {
            int fin = Shape.Layers[l].In;
            double bound = scale is { } a
                ? (l == 0 ? a / fin : a * Math.Sqrt(6.0 / fin) / Shape.W0)
                : (l == 0 ? 1.0 / fin : Math.Sqrt(6.0 / fin) / Shape.W0);
            Weights[l].copy_(empty(Weights[l].shape).uniform_(-bound, bound, cpuGenerator));
            Biases[l].copy_(empty(Biases[l].shape).uniform_(-bound, bound, cpuGenerator));
        }
    }

    /// <summary>Every network starts from the same learned parameters (<c>rinr meta-train</c>); no random draws.</summary>
    public void Initialise(SirenInit init)
    {
        if (init.Shape != Shape) throw new ArgumentException($"a {init.Shape} initialisation for {Shape} networks");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        for (int l = 0; l < Weights.Length; l++)
        {
            var (fin, fout) = Shape.Layers[l];
            Weights[l].copy_(tensor(init.Tensors[2 * l], [1, fin, fout]).to(Device).expand_as(Weights[l]));
            Biases[l].copy_(tensor(init.Tensors[2 * l + 1], [1, 1, fout]).to(Device).expand_as(Biases[l]));
        }
    }

    /// <summary>coords [B, P, in] (or [P, in], shared) to outputs [B, P, out].</summary>
    /// <param name="parameterView">Optional view of each parameter for this pass (fake quantisation during quantisation-aware training).</param>
    public Tensor Forward(Tensor coords, Func<Tensor, Tensor>? parameterView = null) =>
        Forward(Shape, Weights, Biases, coords, parameterView);

    /// <summary>The forward pass of stacked parameters laid out as <see cref="Weights"/> and <see cref="Biases"/>, of any batch size.</summary>
    /// <param name="foldW0">Scale each sine layer's weights and bias by w0 (small tensors) instead of its output
    /// (h·(w0 W) + w0 b rather than w0 (h W + b)): the same function up to rounding, and its backward pass skips a
    /// multiplication over every activation (about 15% of a training step on the CPU). Training in pixel chunks uses
    /// it; decoding keeps the unfolded form, so payloads decode as they always did.</param>
    public static Tensor Forward(SirenShape shape, IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> biases, Tensor coords, Func<Tensor, Tensor>? parameterView = null, bool foldW0 = false)
    {
        var h = coords.dim() == 2 ? coords.unsqueeze(0).expand(weights[0].shape[0], -1, -1) : coords;
        int last = weights.Count - 1;
        float w0 = (float)shape.W0;
        Tensor W(int l) => parameterView is null ? weights[l] : parameterView(weights[l]);
        Tensor B(int l) => parameterView is null ? biases[l] : parameterView(biases[l]);
        // One fused kernel per layer: w0 * (h @ W + b), so the activations are touched once, not three times.
        for (int l = 0; l < last; l++)
            h = foldW0 ? h.baddbmm(W(l) * w0, B(l) * w0).sin() : h.baddbmm(W(l), B(l), beta: w0, alpha: w0).sin();
        return h.baddbmm(W(last), B(last));
    }

    /// <summary>
    /// Brings every sine layer's biases into [-π/w0, π/w0] by whole periods: sin(w0 (h W + b)) is the same function for
    /// b and b + 2π/w0, so the network computes what it did (up to rounding). Fitting leaves a first layer's biases spread
    /// over about ±0.5 (ten periods at w0 = 30); wrapped they span one, and an 8-bit per-tensor grid over them is five
    /// times finer: quantising fitted 8-bit backgrounds then cost 2.7 dB of PSNR instead of 4.0 (results/benchmarks.md).
    /// </summary>
    public void WrapPhases()
    {
        using var _ = no_grad();
        double period = 2 * Math.PI / Shape.W0;
        for (int l = 0; l < Biases.Length - 1; l++)
            Biases[l].sub_((Biases[l] / period).round_().mul_(period));
    }

    /// <summary>All parameters of network <paramref name="index"/>, layer by layer (weights then bias).</summary>
    public float[][] Export(int index)
    {
        var tensors = new List<float[]>();
        for (int l = 0; l < Weights.Length; l++)
        {
            tensors.Add(Weights[l][index].cpu().contiguous().data<float>().ToArray());
            tensors.Add(Biases[l][index].cpu().contiguous().data<float>().ToArray());
        }
        return tensors.ToArray();
    }

    /// <summary>Loads network <paramref name="index"/> from tensors laid out as <see cref="Export"/> writes them.</summary>
    public void Import(int index, IReadOnlyList<float[]> tensors)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        for (int l = 0; l < Weights.Length; l++)
        {
            var (fin, fout) = Shape.Layers[l];
            Weights[l][index].copy_(tensor(tensors[2 * l], [fin, fout]).to(Device));
            Biases[l][index].copy_(tensor(tensors[2 * l + 1], [1, fout]).to(Device));
        }
    }

    /// <summary>Copies every network's parameters from <paramref name="other"/> (same shape; the same batch, or one network that every network gets).</summary>
    public void CopyFrom(BatchedSiren other)
    {
        if (other.Shape != Shape || (other.Batch != Batch && other.Batch != 1))
            throw new ArgumentException($"cannot copy {other.Batch} {other.Shape} networks into {Batch} {Shape} networks");
        using var _ = no_grad();
        for (int l = 0; l < Weights.Length; l++)
        {
            Weights[l].copy_(other.Weights[l].expand_as(Weights[l]));
            Biases[l].copy_(other.Biases[l].expand_as(Biases[l]));
        }
    }

    public void Dispose()
    {
        foreach (var p in Parameters) p.Dispose();
    }
}
