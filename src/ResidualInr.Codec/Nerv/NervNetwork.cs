using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Nerv;

/// <summary>
/// One sequence's NeRV as a TorchSharp module. <see cref="Forward"/> takes any subset of frame
/// indices as a batch and returns those frames, so training runs in mini-batches and decoding can
/// ask for exactly the frames it needs.
/// </summary>
public sealed class NervNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Linear _embed, _stem;
    private readonly ModuleList<Conv2d> _convs;
    private readonly Conv2d _head;
    private readonly Tensor _frequencies;

    public NervNetwork(NervShape shape, Device device) : base(nameof(NervNetwork))
    {
        shape.Validate();
        Shape = shape;
        _embed = nn.Linear(2 * shape.PeLevels, shape.Hidden);
        _stem = nn.Linear(shape.Hidden, shape.StemChannels * shape.BaseHeight * shape.BaseWidth);
        _convs = new ModuleList<Conv2d>();
        int inChannels = shape.StemChannels;
        for (int i = 0; i < shape.Strides.Count; i++)
        {
            _convs.Add(nn.Conv2d(inChannels, shape.Channels[i] * shape.Strides[i] * shape.Strides[i], 3, padding: 1));
            inChannels = shape.Channels[i];
        }
        _head = nn.Conv2d(inChannels, 3, 1);
        RegisterComponents();
        _frequencies = tensor(Enumerable.Range(0, shape.PeLevels).Select(k => (float)(Math.Pow(NervShape.PeBase, k) * Math.PI)).ToArray()).to(device);
        this.to(device);
    }

    public NervShape Shape { get; }

    /// <summary>Normalised times [B] in [0, 1] to frames [B, 3, H, W] in [0, 1].</summary>
    public override Tensor forward(Tensor t)
    {
        using var scope = NewDisposeScope();
        var angles = t.unsqueeze(1) * _frequencies.unsqueeze(0);
        var x = nn.functional.silu(_embed.forward(cat([angles.sin(), angles.cos()], 1)));
        x = nn.functional.silu(_stem.forward(x)).view(-1, Shape.StemChannels, Shape.BaseHeight, Shape.BaseWidth);
        for (int i = 0; i < _convs.Count; i++)
            x = nn.functional.silu(nn.functional.pixel_shuffle(_convs[i].forward(x), Shape.Strides[i]));
        return _head.forward(x).sigmoid().MoveToOuterDisposeScope();
    }

    /// <summary>Frame position i of a sequence of n frames as NeRV's time input.</summary>
    public static float TimeOf(int position, int frameCount) => frameCount <= 1 ? 0f : (float)position / (frameCount - 1);

    /// <summary>Parameters in storage order (layer by layer, weights then bias), flattened.</summary>
    public float[][] Export() => Parameters().Select(p => p.detach().cpu().contiguous().data<float>().ToArray()).ToArray();

    public void Import(IReadOnlyList<float[]> values)
    {
        var ps = Parameters().ToList();
        if (values.Count != ps.Count) throw new ArgumentException($"{values.Count} tensors for {ps.Count} parameters");
        using var _ = no_grad();
        for (int i = 0; i < ps.Count; i++)
        {
            if (values[i].Length != ps[i].numel()) throw new ArgumentException($"parameter {i} has {ps[i].numel()} values, got {values[i].Length}");
            ps[i].copy_(tensor(values[i]).view(ps[i].shape).to(ps[i].device));
        }
    }

    /// <summary>The parameters in the order <see cref="NervShape.Layers"/> lists them.</summary>
    public IEnumerable<Parameter> Parameters()
    {
        yield return _embed.weight!;
        yield return _embed.bias!;
        yield return _stem.weight!;
        yield return _stem.bias!;
        foreach (var conv in _convs)
        {
            yield return conv.weight!;
            yield return conv.bias!;
        }
        yield return _head.weight!;
        yield return _head.bias!;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _frequencies.Dispose();
        base.Dispose(disposing);
    }
}
