"""Recurrent layers unrolled statically: RNN (with SimpleRNN/LSTM/GRU cells or a stack of them),
SimpleRNN, LSTM, GRU (both ``reset_after`` modes), Bidirectional, and TimeDistributed.

The sequence is split into its time steps (``Unpack``), each step is a few
``MatMul``/``Split``/activation ops, and ``Pack`` rebuilds the sequence — so the
time dimension must be known.  Masks follow the engine's loop (the TF backend's
``rnn``): a masked step keeps the previous states and repeats the previous
output (zeros before the first valid step, or always with ``zero_output_for_mask``).  A symbolic
``initial_state`` (graph tensors, mapped by the model converter) replaces the zero starting states;
Bidirectional gives its first half to the forward layer and the rest to the backward one.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ....framework import nest
from ..graph import GT, GraphBuilder
from ..protos import attr as A
from .activations import apply_activation
from .base import Call, converter, to_numpy

SEQ_LEN_MSG = ("recurrent layers need a fixed sequence length for tf_saved_model export; set the Input shape's "
               "time dimension (e.g. keras.Input((20, features)))")

class Cell:
    """A cell unrolled one step at a time: ``project`` is its input projection ``x @ W (+ b)`` (applied to
    all time steps at once for the first cell), ``step`` the recurrence on a projected input."""

    def __init__(self, sizes: list, project: Callable[[GT], GT], step: Callable[[GT, list], tuple]) -> None:
        self.sizes = sizes
        self.project = project
        self.step = step


def _projection(g: GraphBuilder, w: GT, b: GT | None) -> Callable[[GT], GT]:
    def project(x: GT) -> GT:
        y = g.matmul(x, w)
        return y if b is None else g.add(y, b)
    return project


def _lstm_cell(call: Call, cell: Any) -> Cell:
    g, u = call.g, cell.units
    w, uk = call.weight(cell.kernel, "kernel"), call.weight(cell.recurrent_kernel, "recurrent_kernel")
    b = call.weight(cell.bias, "bias") if cell.use_bias else None

    def step(xw: GT, states: list) -> tuple:
        h, c = states
        z = g.add(xw, g.matmul(h, uk))
        z0, z1, z2, z3 = g.split(z, 4, 1)
        i = apply_activation(call, z0, cell.recurrent_activation)
        f = apply_activation(call, z1, cell.recurrent_activation)
        o = apply_activation(call, z3, cell.recurrent_activation)
        c = g.add(g.mul(f, c), g.mul(i, apply_activation(call, z2, cell.activation)))
        h = g.mul(o, apply_activation(call, c, cell.activation))
        return h, [h, c]
    return Cell([u, u], _projection(g, w, b), step)


def _gru_cell(call: Call, cell: Any) -> Cell:
    g, u = call.g, cell.units
    rk = to_numpy(cell.recurrent_kernel)
    w = call.weight(cell.kernel, "kernel")
    bias = to_numpy(cell.bias) if cell.use_bias else None
    if cell.reset_after:
        uk = g.const(rk, name="recurrent_kernel")
        b_in = None if bias is None else g.const(bias[0], name="input_bias")
        b_rec = None if bias is None else g.const(bias[1], name="recurrent_bias")
    else:
        uk_zr = g.const(np.ascontiguousarray(rk[:, :2 * u]), name="recurrent_kernel_zr")
        uk_h = g.const(np.ascontiguousarray(rk[:, 2 * u:]), name="recurrent_kernel_h")
        b_in = None if bias is None else g.const(bias, name="bias")

    def step(xw: GT, states: list) -> tuple:
        (h,) = states
        x_z, x_r, x_h = g.split(xw, 3, 1)
        if cell.reset_after:
            mi = g.matmul(h, uk)
            if b_rec is not None:
                mi = g.add(mi, b_rec)
            r_z, r_r, r_h = g.split(mi, 3, 1)
        else:
            r_z, r_r = g.split(g.matmul(h, uk_zr), 2, 1)
        z = apply_activation(call, g.add(x_z, r_z), cell.recurrent_activation)
        r = apply_activation(call, g.add(x_r, r_r), cell.recurrent_activation)
        rec_h = g.mul(r, r_h) if cell.reset_after else g.matmul(g.mul(r, h), uk_h)
        hh = apply_activation(call, g.add(x_h, rec_h), cell.activation)
        h = g.add(g.mul(z, h), g.mul(g.sub(g.scalar_like(1.0, z), z), hh))
        return h, [h]
    return Cell([u], _projection(g, w, b_in), step)


def _simple_cell(call: Call, cell: Any) -> Cell:
    g = call.g
    w, uk = call.weight(cell.kernel, "kernel"), call.weight(cell.recurrent_kernel, "recurrent_kernel")
    b = call.weight(cell.bias, "bias") if cell.bias is not None else None

    def step(xw: GT, states: list) -> tuple:
        (h,) = states
        out = apply_activation(call, g.add(xw, g.matmul(h, uk)), cell.activation)
        return out, [out]
    return Cell([cell.units], _projection(g, w, b), step)


def _stacked_cell(call: Call, cell: Any) -> Cell:
    cells = [make_cell(call, c) for c in cell.cells]

    def step(xw: GT, states: list) -> tuple:
        new, pos = [], 0
        for k, c in enumerate(cells):
            x, st = c.step(xw if k == 0 else c.project(x), states[pos:pos + len(c.sizes)])
            new += st
            pos += len(c.sizes)
        return x, new
    return Cell([s for c in cells for s in c.sizes], cells[0].project, step)


_CELLS = {"LSTMCell": _lstm_cell, "GRUCell": _gru_cell, "SimpleRNNCell": _simple_cell,
          "StackedRNNCells": _stacked_cell}


def make_cell(call: Call, cell: Any) -> Cell:
    """The :class:`Cell` of a built-in cell (exact class or a subclass keeping its ``call``)."""
    for base in type(cell).__mro__:
        if base.__name__ in _CELLS and base.__module__.startswith("engine.") and type(cell).call is base.call:
            return _CELLS[base.__name__](call, cell)
    raise call.fail(f"its cell {type(cell).__name__} is not a built-in SimpleRNN/LSTM/GRU cell")


def _zeros(g: GraphBuilder, x: GT, size: int) -> GT:
    """A ``(batch, size)`` zero state (``Fill`` with the run-time batch size)."""
    dims = g.shape_vector([g.dim(x, 0), size])
    return g.node("Fill", [dims, g.scalar_like(0.0, x)], {"T": A.type(x.dt), "index_type": A.type(3)},
                  x.dtype, (None, size))


def _step_masks(g: GraphBuilder, mask: GT | None) -> list | None:
    """The ``(batch, 1)`` boolean mask of every step (built once per mask tensor)."""
    if mask is None:
        return None
    key = ("step_masks", mask.ref)
    if key not in g.memo:
        g.memo[key] = g.unpack(g.expand_dims(mask, -1), 1)
    return g.memo[key]


def initial_states(call: Call, value: Any, sizes: list, dtype: np.dtype) -> list | None:
    """The graph tensors of a call's ``initial_state`` (one per state of ``sizes``, cast to ``dtype``),
    or ``None`` when the layer starts from zeros."""
    if value is None:
        return None
    flat = nest.flatten(value)
    if not all(isinstance(s, GT) for s in flat):
        raise call.fail("its initial_state is a constant rather than a tensor of the model; feed the states "
                        "through keras.Input or another layer")
    if len(flat) != len(sizes):
        raise call.fail(f"it has {len(sizes)} states but initial_state gives {len(flat)}")
    states = []
    for k, (s, size) in enumerate(zip(flat, sizes)):
        if s.shape is not None and (len(s.shape) != 2 or s.shape[1] not in (None, size)):
            raise call.fail(f"initial_state[{k}] has shape {s.shape}, expected (batch, {size})")
        states.append(call.g.cast(s, dtype))
    return states


def run_rnn(call: Call, layer: Any, x: GT, mask: GT | None, initial_state: Any = None) -> tuple:
    """Unroll ``layer`` over ``x`` (from ``initial_state``: graph tensors, or ``None`` for zeros); returns
    ``(outputs, output_masks)`` as the layer's call would."""
    g = call.g
    if getattr(layer, "stateful", False):
        raise call.fail("stateful recurrent layers carry state between calls, which a frozen graph cannot hold")
    steps_n = x.shape[1] if x.shape is not None and len(x.shape) > 1 else None
    if steps_n is None:
        raise call.fail(SEQ_LEN_MSG)
    cell = make_cell(call, layer.cell)
    # one input projection for all steps: [batch*T, F] @ W (+ b) → [batch, T, G] → T step inputs
    xw = cell.project(g.reshape(x, [-1, x.shape[2]]))
    xs = g.unpack(g.reshape(xw, [-1, steps_n, xw.shape[1]]), 1)
    ms = _step_masks(g, mask)
    if layer.go_backwards:
        xs = xs[::-1]
        ms = ms[::-1] if ms is not None else None
    states = initial_states(call, initial_state, cell.sizes, x.dtype) or [_zeros(g, x, s) for s in cell.sizes]
    outputs, prev, zeros = [], None, None
    for t, x_t in enumerate(xs):
        out, new = cell.step(x_t, states)
        if ms is not None:
            m = ms[t]
            if layer.zero_output_for_mask or prev is None:
                zeros = zeros or g.node("ZerosLike", [out], {"T": A.type(out.dt)}, out.dtype, out.shape)
                fill = zeros
            else:
                fill = prev
            out = g.select(m, out, fill)
            new = [g.select(m, n, o) for n, o in zip(new, states)]
        outputs.append(out)
        prev = out
        states = new
    result = g.pack(outputs, 1) if layer.return_sequences else outputs[-1]
    out_mask = mask if layer.return_sequences else None
    if layer.return_state:
        return [result, *states], [out_mask] + [None] * len(states)
    return [result], [out_mask]


@converter("RNN", "SimpleRNN", "LSTM", "GRU", masks=True)
def _rnn(call: Call) -> list:
    outs, masks = run_rnn(call, call.layer, call.x, call.mask, call.kwargs.get("initial_state"))
    call.out_masks = masks
    return outs


@converter("Bidirectional", masks=True)
def _bidirectional(call: Call) -> list:
    g, layer, x = call.g, call.layer, call.x
    if x.shape[1] is None:
        raise call.fail(SEQ_LEN_MSG)
    fw_kw, bw_kw = {}, {}
    init = call.kwargs.get("initial_state")
    if init is not None:
        init = nest.flatten(init)
        if len(init) % 2:
            raise call.fail(f"its initial_state has {len(init)} tensors; it needs the forward layer's states "
                            "followed by the backward layer's")
        half = len(init) // 2
        fw_kw, bw_kw = {"initial_state": init[:half]}, {"initial_state": init[half:]}
    fw, fw_masks = call.sublayer(layer.forward_layer, [x], [call.mask], x.shape, fw_kw)
    bw, _ = call.sublayer(layer.backward_layer, [x], [call.mask], x.shape, bw_kw)
    y, y_rev = fw[0], bw[0]
    states = fw[1:] + bw[1:] if layer.return_state else []
    if layer.return_sequences:
        y_rev = g.node("ReverseV2", [y_rev, g.i32([1])], {"T": A.type(y_rev.dt), "Tidx": A.type(3)},
                       y_rev.dtype, y_rev.shape)
    mode = layer.merge_mode
    if mode == "concat":
        outs = [g.concat([y, y_rev], -1)]
    elif mode == "sum":
        outs = [g.add(y, y_rev)]
    elif mode == "ave":
        outs = [g.div(g.add(y, y_rev), 2.0)]
    elif mode == "mul":
        outs = [g.mul(y, y_rev)]
    else:
        outs = [y, y_rev]
    out_mask = fw_masks[0]
    call.out_masks = [out_mask] * len(outs) + [None] * len(states)
    return outs + states


@converter("TimeDistributed", masks=True)
def _time_distributed(call: Call) -> list:
    """``[batch, time, ...]`` → the wrapped layer on ``[batch*time, ...]`` → ``[batch, time, ...]``."""
    g, layer, x = call.g, call.layer, call.x
    steps = g.dim(x, 1)
    inner_shape = (None, *x.shape[2:])
    flat = g.reshape(x, [-1, *[g.dim(x, i) for i in range(2, x.rank)]], shape=inner_shape)
    mask = call.mask
    inner_mask = None
    if mask is not None and layer.layer._call_has_mask:
        inner_mask = g.reshape(mask, [-1, *[g.dim(mask, i) for i in range(2, mask.rank)]])
    outs, _ = call.sublayer(layer.layer, [flat], [inner_mask], inner_shape)
    results = []
    for y in outs:
        rest = [g.dim(y, i) for i in range(1, y.rank)]
        static = (None, None if isinstance(steps, GT) else steps, *y.shape[1:])
        results.append(g.reshape(y, [-1, steps, *rest], shape=static))
    call.out_masks = [mask] * len(results)
    return results
