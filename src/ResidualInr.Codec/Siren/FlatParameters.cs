using static TorchSharp.torch;

namespace ResidualInr.Codec.Siren;

/// <summary>
/// The layout of a batch of networks' parameters as one [rows, n] tensor, a network per row, its
/// layers' tensors one after the other, and the stacked per-layer tensors the forward pass wants as
/// views of it. An optimiser's arithmetic is elementwise, so over the flat tensor it is a handful of
/// kernels per step instead of a handful per layer tensor (20 for a 10-layer SIREN). On an H100, where
/// these small SIRENs are bound by the host's per-operation cost, a batch-8 step went from 7.9 to 7.5 ms
/// (results/gpu-h100-2026-11-26); results are the same to the bit. The views share the flat tensor's
/// memory, so an update of it is an update of every layer.
/// </summary>
internal sealed class FlatParameters
{
    private readonly long[][] _shapes;   // each tensor's shape without its batch dimension
    private readonly long[] _offsets;
    private readonly long[] _sizes;

    /// <param name="stacked">Tensors [B, ...] in the order the views are to come back in.</param>
    public FlatParameters(IReadOnlyList<Tensor> stacked)
    {
        _shapes = stacked.Select(t => t.shape[1..]).ToArray();
        _sizes = _shapes.Select(s => s.Aggregate(1L, (a, d) => a * d)).ToArray();
        _offsets = new long[_sizes.Length];
        for (int i = 1; i < _sizes.Length; i++) _offsets[i] = _offsets[i - 1] + _sizes[i - 1];
        Count = _offsets[^1] + _sizes[^1];
    }

    /// <summary>Parameters per network: the flat tensor's second dimension.</summary>
    public long Count { get; }

    /// <summary>A new [B, n] tensor holding <paramref name="stacked"/> (laid out as the constructor's tensors).</summary>
    public Tensor Flatten(IEnumerable<Tensor> stacked) =>
        cat(stacked.Select(t => t.reshape(t.shape[0], -1)).ToArray(), 1);

    /// <summary>The stacked tensors as views of <paramref name="flat"/> [rows, n].</summary>
    public Tensor[] Views(Tensor flat)
    {
        long rows = flat.shape[0];
        var views = new Tensor[_shapes.Length];
        for (int i = 0; i < views.Length; i++)
            views[i] = flat.narrow(1, _offsets[i], _sizes[i]).view([rows, .. _shapes[i]]);
        return views;
    }

    /// <summary>
    /// The views as leaves of a new autograd graph: each gets its own gradient from a backward pass,
    /// while its values stay <paramref name="flat"/>'s.
    /// </summary>
    public Tensor[] Leaves(Tensor flat) => Views(flat).Select(v => v.detach().requires_grad_(true)).ToArray();
}
