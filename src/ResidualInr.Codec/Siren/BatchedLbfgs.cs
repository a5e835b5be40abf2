using TorchSharp;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Siren;

/// <summary>
/// Limited-memory BFGS (Nocedal and Wright, Numerical Optimization, algorithm 7.5; its H·g in the compact form of
/// <see cref="LbfgsMemory"/>, the same matrix as their algorithm 7.4) for B
/// independent networks at once, each a row of flat parameters [B, n], with one loss-and-gradient
/// evaluation per call so it slots into <see cref="SirenTrainer"/>'s step loop.
/// <para>
/// The line search is a backtracking (Armijo) search unrolled over calls: each call is told the
/// loss and gradient at the point it proposed last time. A network whose loss fell enough accepts
/// the point, adds the step to its history and gets a new direction at step length 1; one whose
/// loss did not goes back to its last accepted point and tries a shorter step along the same
/// direction: the minimum of the parabola through the loss and slope at that point and the loss at the
/// rejected one, kept within a tenth and a half of the step (Nocedal and Wright, section 3.5). Halving
/// instead took five trials to the first L-BFGS step after Rapid-INR's Adam phase, whose good length was
/// a thirtieth of the first trial. Each network decides on its own (row-wise <c>where</c>). The history
/// (<see cref="LbfgsMemory"/>) is a ring of the last <c>m</c> calls shared by the batch: a call in which
/// a network stored no pair (it rejected, or the pair had too little curvature) leaves that network's
/// slot empty. The ring moves on every call whatever the others did, so a network's path does not
/// depend on what else is in the batch.
/// </para>
/// </summary>
public sealed class BatchedLbfgs : IDisposable
{
    private const double ArmijoC1 = 1e-4;
    private const double SmallestStep = 1.0 / 1024; // then the direction is abandoned: history cleared, gradient step
    private readonly LbfgsMemory _memory;
    private Tensor _x0, _f0, _g0;       // the last accepted point, its loss and gradient
    private Tensor _d, _t, _slope;      // the direction, the step length being tried, g0ᵀd
    private Tensor _gamma;              // H0 = γI from the newest pair (sᵀy / yᵀy); 0 while a network has no pair
    private bool _started;

    public BatchedLbfgs(int batch, int parameters, int history, Device device)
    {
        _memory = new LbfgsMemory(batch, parameters, history, device);
        _x0 = Own(zeros([batch, parameters], device: device));
        _g0 = Own(zeros([batch, parameters], device: device));
        _d = Own(zeros([batch, parameters], device: device));
        _f0 = Own(zeros([batch], device: device));
        _t = Own(ones([batch], device: device));
        _slope = Own(zeros([batch], device: device));
        _gamma = Own(zeros([batch], device: device));
    }

    /// <summary>
    /// Given the loss [B] and gradient [B, n] at <paramref name="x"/> [B, n] (the point proposed by the
    /// last call, or the starting point), returns the next point to evaluate, [B, n]. Call under no_grad.
    /// </summary>
    public Tensor Next(Tensor x, Tensor loss, Tensor gradient)
    {
        using var scope = NewDisposeScope();
        if (!_started)
        {
            _started = true;
            Assign(ref _x0, x); Assign(ref _f0, loss); Assign(ref _g0, gradient);
            Assign(ref _d, -FirstStep(gradient).unsqueeze(1) * gradient);
            Assign(ref _slope, (gradient * _d).sum(1));
            return (_x0 + _t.unsqueeze(1) * _d).MoveToOuterDisposeScope();
        }
        var accept = loss <= _f0 + ArmijoC1 * _t * _slope;
        var s = x - _x0;
        var y = gradient - _g0;
        var sy = (s * y).sum(1);
        var yy = (y * y).sum(1);
        // Curvature condition, scale-free: the angle between s and y well under 90 degrees.
        var stored = accept & (sy > 1e-8 * ((s * s).sum(1) * yy).sqrt());
        Assign(ref _gamma, where(stored, sy / yy.clamp_min(1e-30), _gamma));
        var accept1 = accept.unsqueeze(1);
        Assign(ref _x0, where(accept1, x, _x0));
        Assign(ref _f0, where(accept, loss, _f0));
        Assign(ref _g0, where(accept1, gradient, _g0));
        // f(t) ≈ f0 + slope·t + c·t² through the rejected loss: its minimum at −slope·t² / (2 (f(t) − f0 − slope·t)).
        var parabola = -_slope * _t * _t / (2 * (loss - _f0 - _slope * _t));
        var shorter = minimum(where(parabola >= 0.1 * _t, parabola, 0.1 * _t), 0.5 * _t); // NaN or a huge loss: a tenth
        var trial = where(accept, ones_like(_t), shorter);
        // Networks that accepted get a new direction; the rest keep theirs (the history is not read when none accepted).
        var firstStep = FirstStep(_g0);
        var descent = _memory.Add(s, y, stored, accept.any().item<bool>() ? _g0 : null, where(_gamma > 0, _gamma, firstStep));
        var fresh = descent is null ? _d : where(accept1, descent, _d);
        // A direction that stopped paying (step too short) or is not downhill: forget that network's history, take a gradient step.
        var slope = (_g0 * fresh).sum(1);
        var abandon = (trial < SmallestStep) | ~(slope < 0); // a NaN slope too (a pair of rounding-level curvature)
        if (abandon.any().item<bool>())
        {
            _memory.Forget(abandon);
            Assign(ref _gamma, where(abandon, 0f, _gamma));
            fresh = where(abandon.unsqueeze(1), -firstStep.unsqueeze(1) * _g0, fresh);
            trial = where(abandon, ones_like(trial), trial);
            slope = (_g0 * fresh).sum(1);
        }
        Assign(ref _d, fresh);
        Assign(ref _t, trial);
        Assign(ref _slope, slope);
        return (_x0 + _t.unsqueeze(1) * _d).MoveToOuterDisposeScope();
    }

    /// <summary>The step along −g without curvature pairs: min(1, 1/|g|₁) per network.</summary>
    private static Tensor FirstStep(Tensor g) => (1 / g.abs().sum(1).clamp_min(1e-30)).clamp_max(1);

    /// <summary>Keeps only the networks at <paramref name="rows"/> (the trainer retires networks that reached their target).</summary>
    public void Keep(Tensor rows)
    {
        _memory.Keep(rows);
        Assign(ref _x0, _x0.index_select(0, rows));
        Assign(ref _f0, _f0.index_select(0, rows));
        Assign(ref _g0, _g0.index_select(0, rows));
        Assign(ref _d, _d.index_select(0, rows));
        Assign(ref _t, _t.index_select(0, rows));
        Assign(ref _slope, _slope.index_select(0, rows));
        Assign(ref _gamma, _gamma.index_select(0, rows));
    }

    /// <summary>The state outlives every dispose scope: it is replaced here and freed in <see cref="Dispose"/>.</summary>
    private static void Assign(ref Tensor field, Tensor value)
    {
        var kept = value.detach().clone().DetachFromDisposeScope();
        field.Dispose();
        field = kept;
    }

    private static Tensor Own(Tensor t) => t.DetachFromDisposeScope();

    public void Dispose()
    {
        _memory.Dispose();
        foreach (var t in new[] { _x0, _f0, _g0, _d, _t, _slope, _gamma }) t.Dispose();
    }
}
