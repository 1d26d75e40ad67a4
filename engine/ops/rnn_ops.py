"""Fused recurrent ops: a whole LSTM / GRU / SimpleRNN sequence per op, with hand-written BPTT.

``specs/engine-notes.md`` §A1' items 2 and 6: composing an LSTM from primitive
ops costs 2.1x (a tape record and a slice gradient per gate per step), so each
recurrent layer runs as ONE op.  The forward kernel projects every timestep's
input with one GEMM (``x @ kernel`` over ``batch*time`` rows), then loops over
time in Python with one small GEMM per step (``h @ recurrent_kernel``); it
returns the layer outputs plus a *reserve* of per-step activations (like
cuDNN's ``reserve_space``).  Backward is its own op (``LSTMGrad``, ``GRUGrad``,
``SimpleRNNGrad``; no second order): it walks time backwards filling the
pre-activation gradients of every step, then finishes ``dkernel``,
``drecurrent_kernel``, ``dx`` and ``dbias`` with one GEMM (gemv) each.

The LSTM kernel goes further (see the comments at its helpers): its gates live
gate-major (``[4, time, batch, units]``, every per-gate step block contiguous),
up to ~128 input features the input projection is folded into the step GEMM
(``[x_t, 1, h_t] @ [kernel; bias; recurrent_kernel]``, so the weight gradients
are ONE GEMM too), and with the default activations a single ``exp`` over the
whole ``[4, batch, units]`` step block yields all four gates (sigmoid and tanh
written through exp, the scaling folded into the weights).  Per step it makes
one batched GEMM and 10 numpy calls forward, one GEMM and 6 calls backward.

Semantics are Keras 3's (``keras/src/layers/rnn/{lstm,gru,simple_rnn}.py`` and
the TF backend's ``rnn`` loop):

* gates along the last axis: LSTM ``i, f, c, o``; GRU ``z, r, h``; GRU
  ``reset_after=True`` has bias ``[2, 3u]`` (input bias, recurrent bias),
  ``reset_after=False`` a ``[3u]`` input bias and ``r`` applied before the
  recurrent matmul of the candidate;
* a ``[batch, time]`` mask: a masked step carries the previous states; its
  output is the previous output (zeros before the first valid step), or zeros
  with ``zero_output_for_mask`` (what Bidirectional asks for);
* ``go_backwards`` processes the reversed sequence and returns outputs in
  processing order;
* dropout masks ``[g, batch, features]`` / ``[g, batch, units]``, constant over
  time: ``g = 1`` (one mask for the whole projection) or one mask per gate
  (Keras's ``implementation=1``, used when ``recurrent_dropout > 0``).

Inputs, in order: ``x, kernel, recurrent_kernel, [bias], h0, [c0], [mask],
[dropout_mask], [recurrent_dropout_mask]``; attrs say which optional ones are
present.  Activations are named (``FUSED_ACTIVATIONS``); their derivatives are
computed from the saved outputs, for all timesteps at once before the backward loop.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..framework.core import OPS, Tensor, execute, register_op
from .dispatch import tensor

__all__ = ["FUSED_ACTIVATIONS", "lstm", "gru", "simple_rnn"]

# ---------------------------------------------------------------------------
# Activations: an in-place forward on a (possibly strided) view, and the
# derivative ``f'(x)`` written with the output ``y = f(x)``.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _sigmoid_(z: np.ndarray) -> None:
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1
    np.reciprocal(z, out=z)


def _tanh_(z: np.ndarray) -> None:
    np.tanh(z, out=z)


def _relu_(z: np.ndarray) -> None:
    np.maximum(z, 0, out=z)


def _linear_(z: np.ndarray) -> None:
    return None


def _hard_sigmoid_(z: np.ndarray) -> None:   # Keras 3: relu6(x + 3) / 6
    z += 3
    np.clip(z, 0, 6, out=z)
    z /= 6


def _relu6_(z: np.ndarray) -> None:
    np.clip(z, 0, 6, out=z)


def _elu_(z: np.ndarray) -> None:
    np.copyto(z, np.expm1(z), where=z <= 0)


def _selu_(z: np.ndarray) -> None:
    neg = z <= 0
    np.copyto(z, _SELU_ALPHA * np.expm1(z), where=neg)
    z *= _SELU_SCALE


def _softplus_(z: np.ndarray) -> None:
    np.logaddexp(z, 0, out=z)


def _softsign_(z: np.ndarray) -> None:
    z /= 1 + np.abs(z)


def _exponential_(z: np.ndarray) -> None:
    np.exp(z, out=z)


def _ones(y: np.ndarray) -> np.ndarray:
    return np.ones_like(y)


def _band(lo: float, hi: float, scale: float = 1.0) -> Callable:
    def d(y: np.ndarray) -> np.ndarray:
        out = ((y > lo) & (y < hi)).astype(y.dtype)
        if scale != 1.0:
            out *= y.dtype.type(scale)
        return out
    return d


# name -> (in-place forward, f'(x) written with y = f(x))
_ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "tanh": (_tanh_, lambda y: 1 - y * y),
    "sigmoid": (_sigmoid_, lambda y: y - y * y),
    "relu": (_relu_, lambda y: (y > 0).astype(y.dtype)),
    "linear": (_linear_, _ones),
    "hard_sigmoid": (_hard_sigmoid_, _band(0, 1, 1 / 6)),
    "relu6": (_relu6_, _band(0, 6)),
    "elu": (_elu_, lambda y: np.where(y > 0, 1, y + 1)),
    "selu": (_selu_, lambda y: np.where(y > 0, _SELU_SCALE, y + _SELU_SCALE * _SELU_ALPHA)),
    "softplus": (_softplus_, lambda y: -np.expm1(-y)),
    "softsign": (_softsign_, lambda y: np.square(1 - np.abs(y))),
    "exponential": (_exponential_, lambda y: y.copy()),
}
FUSED_ACTIVATIONS = frozenset(_ACTIVATIONS)


def _act(name: str) -> tuple[Callable, Callable]:
    try:
        return _ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"Activation {name!r} is not supported by the fused RNN ops; supported: "
                         f"{sorted(_ACTIVATIONS)}") from None


# ---------------------------------------------------------------------------
# Shared pieces
class _Args:
    """The op's positional inputs, split by the presence flags in its attrs."""

    __slots__ = ("x", "kernel", "rk", "bias", "states", "mask", "dp", "rdp", "rest", "n_diff")

    def __init__(self, arrays: tuple, n_states: int, use_bias: bool, has_mask: bool, n_dp: int,
                 n_rdp: int) -> None:
        it = iter(arrays)
        self.x, self.kernel, self.rk = next(it), next(it), next(it)
        self.bias = next(it) if use_bias else None
        self.states = [next(it) for _ in range(n_states)]
        self.mask = next(it) if has_mask else None
        self.dp = next(it) if n_dp else None
        self.rdp = next(it) if n_rdp else None
        self.rest = list(it)
        self.n_diff = 3 + bool(use_bias) + n_states


def _time_major(x: np.ndarray, go_backwards: bool) -> np.ndarray:
    xt = x.transpose(1, 0, 2)
    return np.ascontiguousarray(xt[::-1] if go_backwards else xt)


def _mask_tm(mask: np.ndarray | None, go_backwards: bool) -> np.ndarray | None:
    """``[batch, time]`` → time-major bool ``[time, batch, 1]`` in processing order."""
    if mask is None:
        return None
    m = np.asarray(mask).astype(bool, copy=False).T
    return np.ascontiguousarray(m[::-1] if go_backwards else m)[:, :, None]


def _out_weights(m: np.ndarray | None, zero_output_for_mask: bool) -> np.ndarray | None:
    """Which steps' outputs equal the state ``h`` (the rest are zero): Keras's masked-output rule."""
    if m is None:
        return None
    return m if zero_output_for_mask else np.logical_or.accumulate(m, axis=0)


def _outputs(H: np.ndarray, w: np.ndarray | None, return_sequences: bool) -> np.ndarray:
    if return_sequences:
        O = H[1:] if w is None else np.where(w, H[1:], H.dtype.type(0))
        return np.ascontiguousarray(O.transpose(1, 0, 2))
    return H[-1].copy() if w is None else np.where(w[-1], H[-1], H.dtype.type(0))


def _gate(k: int, units: int) -> slice:
    return slice(k * units, (k + 1) * units)


def _project(xt: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None, dp: np.ndarray | None,
             units: int) -> np.ndarray:
    """All timesteps' input projections ``[T, B, n]`` (one GEMM; one per gate with per-gate masks)."""
    T, B, F = xt.shape
    n = kernel.shape[1]
    if dp is None:
        Z = xt.reshape(T * B, F) @ kernel
    elif dp.shape[0] == 1:
        Z = (xt * dp[0]).reshape(T * B, F) @ kernel
    else:
        Z = np.empty((T * B, n), dtype=xt.dtype)
        for k in range(dp.shape[0]):
            s = _gate(k, units)
            Z[:, s] = (xt * dp[k]).reshape(T * B, F) @ kernel[:, s]
    if bias is not None:
        Z += bias
    return Z.reshape(T, B, n)


# OpenBLAS (measured on these machines, float32, 1 thread) runs GEMMs whose inner
# dimension K exceeds 128 up to 3x slower than the same work split into K <= 128
# blocks and accumulated: (64x256)@(256x64) 203 us vs 71 us; (3200 rows)^T @ (3200 rows)
# weight gradients 10.5 ms vs 3.6 ms.  ``_mm`` splits K accordingly.
_K_BLOCK = 128


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` with the inner dimension split into blocks of at most ``_K_BLOCK``."""
    k = a.shape[1]
    if k <= _K_BLOCK:
        return a @ b
    n_blocks = -(-k // _K_BLOCK)
    step = -(-k // n_blocks)
    out = a[:, :step] @ b[:step]
    for i in range(step, k, step):
        out += a[:, i:i + step] @ b[i:i + step]
    return out


def _rec(h: np.ndarray, rk: np.ndarray, rdp: np.ndarray | None, units: int) -> np.ndarray:
    """``h @ rk``, with recurrent dropout masks (one, or one per gate)."""
    if rdp is None:
        return h @ rk
    if rdp.shape[0] == 1:
        return (h * rdp[0]) @ rk
    out = np.empty((h.shape[0], rk.shape[1]), dtype=h.dtype)
    for k in range(rdp.shape[0]):
        s = _gate(k, units)
        out[:, s] = (h * rdp[k]) @ rk[:, s]
    return out


def _rec_back(dz: np.ndarray, rkT: np.ndarray, rdp: np.ndarray | None, units: int) -> np.ndarray:
    """Gradient of ``_rec`` w.r.t. ``h`` (``rkT`` is the transposed recurrent kernel)."""
    if rdp is None:
        return _mm(dz, rkT)
    if rdp.shape[0] == 1:
        return _mm(dz, rkT) * rdp[0]
    out = None
    for k in range(rdp.shape[0]):
        s = _gate(k, units)
        part = (dz[:, s] @ rkT[s]) * rdp[k]
        out = part if out is None else out + part
    return out


def _wgrad(A: np.ndarray, D: np.ndarray, masks: np.ndarray | None, units: int) -> np.ndarray:
    """``sum_t (A_t * mask)^T @ D_t`` as one GEMM over ``T*B`` rows (one per gate with per-gate masks)."""
    T, B, n_in = A.shape
    n = D.shape[2]
    D2 = D.reshape(T * B, n)
    if masks is None:
        return _mm(A.reshape(T * B, n_in).T, D2)
    if masks.shape[0] == 1:
        return _mm((A * masks[0]).reshape(T * B, n_in).T, D2)
    out = np.empty((n_in, n), dtype=A.dtype)
    for k in range(masks.shape[0]):
        s = _gate(k, units)
        out[:, s] = _mm((A * masks[k]).reshape(T * B, n_in).T, D2[:, s])
    return out


def _xgrad(D: np.ndarray, kernel: np.ndarray, dp: np.ndarray | None, units: int,
           go_backwards: bool) -> np.ndarray:
    """``dx`` (batch-major, original time order) from the projection gradients ``D [T, B, n]``."""
    T, B, n = D.shape
    F = kernel.shape[0]
    D2 = D.reshape(T * B, n)
    if dp is None:
        dxt = _mm(D2, kernel.T).reshape(T, B, F)
    elif dp.shape[0] == 1:
        dxt = _mm(D2, kernel.T).reshape(T, B, F) * dp[0]
    else:
        dxt = None
        for k in range(dp.shape[0]):
            s = _gate(k, units)
            part = (D2[:, s] @ kernel[:, s].T).reshape(T, B, F) * dp[k]
            dxt = part if dxt is None else dxt + part
    dx = dxt.transpose(1, 0, 2)
    return np.ascontiguousarray(dx[:, ::-1] if go_backwards else dx)


def _colsum(D: np.ndarray) -> np.ndarray:
    """Sum over all but the last axis, as a gemv (``specs/engine-notes.md`` §A1' item 3)."""
    D2 = D.reshape(-1, D.shape[-1])
    return np.ones(D2.shape[0], dtype=D.dtype) @ D2


def _seq_grads(dout: np.ndarray | None, w: np.ndarray | None, return_sequences: bool, T: int) -> tuple:
    """(time-major per-step output grads or None, grad of the last output or None)."""
    if dout is None:
        return None, None
    if return_sequences:
        d = dout.transpose(1, 0, 2)
        return (d if w is None else np.where(w, d, dout.dtype.type(0))), None
    return None, (dout if w is None else np.where(w[T - 1], dout, dout.dtype.type(0)))


def _grads_in(rest: list, flags: tuple) -> list:
    """The incoming output gradients (None where absent), from the tail of the grad op's inputs."""
    out, k = [], 0
    for present in flags:
        out.append(rest[k] if present else None)
        k += int(present)
    return out


def _check(x: np.ndarray) -> None:
    if x.ndim != 3:
        raise ValueError(f"RNN inputs must be 3-D [batch, time, features], got shape {x.shape}")
    if x.shape[1] == 0:
        raise ValueError("RNN inputs must have at least one timestep")


# ---------------------------------------------------------------------------
# Gate-major layout.  A per-gate column block ``z[:, k*u:(k+1)*u]`` of a ``[batch, g*u]``
# step is a strided view: numpy runs one ufunc inner loop per row, ~3x the time of the
# same work on a contiguous block (measured 64x64 of 64x256: 9.1 us vs 2.8 us).  The
# LSTM therefore keeps its gates as ``[g, time, batch, u]`` (every gate's step block
# contiguous), multiplies with ``[g, n_in, u]`` weight stacks (batched GEMMs) and
# converts the weight gradients back at the end.
def _gate_major(w: np.ndarray, g: int) -> np.ndarray:
    """``[n_in, g*u]`` → a contiguous copy ``[g, n_in, u]``."""
    n_in, n = w.shape
    return np.array(w.reshape(n_in, g, n // g).transpose(1, 0, 2), order="C")


def _from_gate_major(w4: np.ndarray) -> np.ndarray:
    """``[g, n_in, u]`` → ``[n_in, g*u]``."""
    g, n_in, u = w4.shape
    return np.ascontiguousarray(w4.transpose(1, 0, 2)).reshape(n_in, g * u)


def _project_gm(xt: np.ndarray, kernel4: np.ndarray, bias4: np.ndarray | None,
                dp: np.ndarray | None) -> np.ndarray:
    """All timesteps' input projections ``[g, T, B, u]``: one batched GEMM over ``T*B`` rows."""
    T, B, F = xt.shape
    g, _, u = kernel4.shape
    if dp is None:
        xs = xt.reshape(T * B, F)
    else:                                    # one mask, or one per gate
        xs = (xt[None] * dp[:, None]).reshape(dp.shape[0], T * B, F)
    Z = np.matmul(xs, kernel4)
    if bias4 is not None:
        Z += bias4
    return Z.reshape(g, T, B, u)


def _wgrad_gm(A: np.ndarray, D: np.ndarray, masks: np.ndarray | None) -> np.ndarray:
    """``sum_t (A_t * mask)^T @ D_t`` → ``[n_in, g*u]``, one GEMM per gate over ``T*B`` rows."""
    T, B, n_in = A.shape
    g, _, _, u = D.shape
    if masks is None:
        As = A.reshape(T * B, n_in).T
    else:
        As = (A[None] * masks[:, None]).reshape(masks.shape[0], T * B, n_in).transpose(0, 2, 1)
    return _from_gate_major(np.matmul(As, D.reshape(g, T * B, u)))


def _xgrad_gm(D: np.ndarray, kernel4: np.ndarray, dp: np.ndarray | None, go_backwards: bool) -> np.ndarray:
    """``dx`` (batch-major, original time order) from gate-major projection grads ``D [g, T, B, u]``."""
    g, T, B, u = D.shape
    F = kernel4.shape[1]
    parts = np.matmul(D.reshape(g, T * B, u), kernel4.transpose(0, 2, 1)).reshape(g, T, B, F)
    if dp is not None and dp.shape[0] > 1:
        parts *= dp[:, None]
    dxt = parts.sum(axis=0)
    if dp is not None and dp.shape[0] == 1:
        dxt *= dp[0]
    dx = dxt.transpose(1, 0, 2)
    return np.ascontiguousarray(dx[:, ::-1] if go_backwards else dx)


def _deriv_into(name: str, y: np.ndarray, out: np.ndarray) -> None:
    """``out = f'(x)`` written with ``y = f(x)``; in place for sigmoid and tanh."""
    if name == "sigmoid":
        np.multiply(y, y, out=out)
        np.subtract(y, out, out=out)
    elif name == "tanh":
        np.multiply(y, y, out=out)
        np.subtract(1, out, out=out)
    else:
        out[...] = _act(name)[1](y)


# ---------------------------------------------------------------------------
# LSTM
# sigmoid(z) = 1 / (1 + exp(-z)) and tanh(z) = 2 / (1 + exp(-2z)) - 1: with the gate
# pre-activations scaled by -1 (i, f, o) and -2 (c) ONE exp covers all four gates.  The
# scale is folded into copies of the weights (powers of two: the scaled GEMM equals the
# scaled pre-activation exactly).  numpy's float32 exp costs half its tanh here (3.3 vs
# 6.4 ns per element); the tanh written this way is off by < 1.8e-7 (TF's own float32
# tanh: < 3.2e-7).  tanh(c) keeps np.tanh: through exp it takes 5 calls, and measured
# no faster (1%) at 64x64.
_LSTM_SCALE = (-1, -1, -2, -1)
_LSTM_NUMER = (1, 1, 2, 1)


# Up to ~128 input features the input projection is folded into the per-step GEMM:
# ``[x_t, 1, h_t] @ [kernel; bias; recurrent_kernel]``, every step's input rows in one
# buffer ``S`` whose last columns are the states.  Measured (float32, 1 thread, LSTM
# forward + backward, batch 64, 64 units): 4-6% faster at 16-64 features, 13% at 128
# (the step GEMM grows, but the separate projection of all steps, its bias pass and
# the add of its cold result each step go, and the weight gradients become ONE
# GEMM).  With 256-300 features the separate projection is ~3% faster.
_FOLD_MAX_FEATURES = 128


def _step_operands(xt: np.ndarray, k4: np.ndarray, b4: np.ndarray | None, rk4: np.ndarray,
                   dp: np.ndarray | None, rdp: np.ndarray | None, h0: np.ndarray) -> tuple:
    """The per-step GEMM operands of a gate-major recurrent layer: ``(A, S, W, M)``.

    ``S [T+1, B, lead+U]`` holds each step's GEMM input row block with the state ``h_t`` in
    its last ``U`` columns (``h0`` filled in); ``W [g, lead+U, U]`` the matching weights;
    ``M`` the dropout masks over ``S``'s columns (``[n, B, lead+U]``) or None; ``A [g, T, B, U]``
    the buffer of gate pre-activations.  Folded (``lead = F`` (+1 with a bias)): ``S_t =
    [x_t, (1,) h_t]``, ``W = [kernel; (bias;) recurrent_kernel]`` and ``A`` is uninitialised.
    Otherwise ``lead = 0`` and ``A`` already holds every step's input projection plus bias.
    """
    T, B, F = xt.shape
    g, U = rk4.shape[0], rk4.shape[2]
    dt = xt.dtype
    if F + (b4 is not None) > _FOLD_MAX_FEATURES:
        S = np.empty((T + 1, B, U), dt)
        S[0] = h0
        return _project_gm(xt, k4, b4, dp), S, rk4, rdp
    parts = [k4] if b4 is None else [k4, b4]
    lead = F + (b4 is not None)
    S = np.empty((T + 1, B, lead + U), dt)
    S[:T, :, :F] = xt
    S[T, :, :F] = 0
    if b4 is not None:
        S[:, :, F] = 1
    S[0, :, lead:] = h0
    return (np.empty((g, T, B, U), dt), S, np.concatenate(parts + [rk4], axis=1),
            _step_operands_masks(dp, rdp, B, lead, U, dt))


def _step_operands_masks(dp: np.ndarray | None, rdp: np.ndarray | None, B: int, lead: int, U: int,
                         dt: np.dtype) -> np.ndarray | None:
    """Folded dropout masks over ``[x_t, (1,) h_t]``: ``[n, B, lead+U]`` (n = 1, or one per gate)."""
    if dp is None and rdp is None:
        return None
    n = max(0 if dp is None else dp.shape[0], 0 if rdp is None else rdp.shape[0])
    M = np.ones((n, B, lead + U), dt)
    if dp is not None:
        M[:, :, :dp.shape[2]] = dp
    if rdp is not None:
        M[:, :, lead:] = rdp
    return M


def _lstm_kernel(*arrays: np.ndarray, activation: str = "tanh", recurrent_activation: str = "sigmoid",
                 go_backwards: bool = False, return_sequences: bool = False,
                 zero_output_for_mask: bool = False, use_bias: bool = True, has_mask: bool = False,
                 n_dp: int = 0, n_rdp: int = 0) -> tuple:
    a = _Args(arrays, 2, use_bias, has_mask, n_dp, n_rdp)
    x, rk = a.x, a.rk
    _check(x)
    act, _ = _act(activation)
    ract, _ = _act(recurrent_activation)
    B, T, _F = x.shape
    U = rk.shape[0]
    dt = x.dtype
    fast = activation == "tanh" and recurrent_activation == "sigmoid"
    k4, rk4 = _gate_major(a.kernel, 4), _gate_major(rk, 4)
    b4 = None if a.bias is None else a.bias.reshape(4, 1, U)
    if fast:
        scale = np.array(_LSTM_SCALE, dt).reshape(4, 1, 1)
        k4 *= scale
        rk4 *= scale
        b4 = None if b4 is None else b4 * scale
        numer = np.array(_LSTM_NUMER, dt).reshape(4, 1, 1)
    m = _mask_tm(a.mask, go_backwards)
    with np.errstate(over="ignore"):
        xt = x.transpose(1, 0, 2)
        A, S, W, M = _step_operands(xt[::-1] if go_backwards else xt, k4, b4, rk4, a.dp, a.rdp, a.states[0])
        folded = S.shape[2] > U
        H = S[:, :, S.shape[2] - U:]                 # the states h_t (a view)
        C = np.empty((T + 1, B, U), dt)
        TC = np.empty((T, B, U), dt)
        C[0] = a.states[1]
        rec = None if folded else np.empty((4, B, U), dt)
        ig = np.empty((B, U), dt)
        for t in range(T):
            z = A[:, t]
            if folded:
                np.matmul(S[t] if M is None else S[t] * M, W, out=z)
            else:
                np.matmul(S[t] if M is None else S[t] * M, W, out=rec)
                z += rec
            if fast:
                np.exp(z, out=z)
                z += 1
                np.divide(numer, z, out=z)
                z[2] -= 1
            else:
                ract(z[:2])
                act(z[2])
                ract(z[3])
            c = C[t + 1]
            np.multiply(z[1], C[t], out=c)
            np.multiply(z[0], z[2], out=ig)
            c += ig
            tc = TC[t]
            if activation == "tanh":
                np.tanh(c, out=tc)
            else:
                np.copyto(tc, c)
                act(tc)
            h = H[t + 1]
            np.multiply(z[3], tc, out=h)
            if m is not None:
                keep = ~m[t]
                np.copyto(c, C[t], where=keep)
                np.copyto(h, H[t], where=keep)
    w = _out_weights(m, zero_output_for_mask)
    return _outputs(H, w, return_sequences), H[T].copy(), C[T].copy(), A, S, C, TC


def _folded_wgrads(S: np.ndarray, M: np.ndarray | None, D: np.ndarray, F: int, use_bias: bool) -> tuple:
    """(dkernel, dbias or None, drecurrent_kernel) from ONE gate-major GEMM over the step inputs ``S``."""
    T1, B, K = S.shape
    T, g, u = T1 - 1, D.shape[0], D.shape[3]
    if M is None:
        Ss = S[:T].reshape(T * B, K).T
    else:
        Ss = (S[None, :T] * M[:, None]).reshape(M.shape[0], T * B, K).transpose(0, 2, 1)
    G = np.matmul(Ss, D.reshape(g, T * B, u))                # [g, K, u]
    lead = F + use_bias
    db = G[:, F].reshape(g * u) if use_bias else None
    return _from_gate_major(G[:, :F]), db, _from_gate_major(G[:, lead:])


def _lstm_grad_kernel(*arrays: np.ndarray, activation: str = "tanh", recurrent_activation: str = "sigmoid",
                      go_backwards: bool = False, return_sequences: bool = False,
                      zero_output_for_mask: bool = False, use_bias: bool = True, has_mask: bool = False,
                      n_dp: int = 0, n_rdp: int = 0, grads: tuple = (True, True, True),
                      needs: tuple = ()) -> tuple:
    a = _Args(arrays, 2, use_bias, has_mask, n_dp, n_rdp)
    A, S, C, TC = a.rest[:4]
    dout, dhT, dcT = _grads_in(a.rest[4:], grads)
    T, B, U = TC.shape
    dt = C.dtype
    m = _mask_tm(a.mask, go_backwards)
    mf = None if m is None else m.astype(dt)
    dOt, dlast = _seq_grads(dout, _out_weights(m, zero_output_for_mask), return_sequences, T)
    dh = np.zeros((B, U), dt) if dhT is None else dhT.copy()
    if dlast is not None:
        dh += dlast
    dc = np.zeros((B, U), dt) if dcT is None else dcT.copy()
    # Every step's local derivatives at once (from the saved activations, few big calls):
    # the gradient of gate k's pre-activation is dc * Q[k] for i, f, g and dh * Q[3] for o;
    # OT carries dh into dc through h = o * act(c).
    Q = np.empty_like(A)
    _deriv_into(recurrent_activation, A[:2], Q[:2])
    _deriv_into(activation, A[2], Q[2])
    _deriv_into(recurrent_activation, A[3], Q[3])
    Q[0] *= A[2]                                # d i: g * ract'
    Q[1] *= C[:-1]                              # d f: c_prev * ract'
    Q[2] *= A[0]                                # d g: i * act'
    Q[3] *= TC                                  # d o: act(c) * ract'
    OT = np.empty_like(TC)
    _deriv_into(activation, TC, OT)
    OT *= A[3]
    dZ = np.empty_like(A)                       # pre-activation grads, gate-major
    rk4T = np.ascontiguousarray(_gate_major(a.rk, 4).transpose(0, 2, 1))
    rdp = a.rdp
    back = np.empty((4, B, U), dt)
    dct = np.empty((B, U), dt)
    for t in range(T - 1, -1, -1):
        if dOt is not None:
            dh += dOt[t]
        if mf is not None:
            mt = mf[t]
            dhc, dcc = dh * mt, dc * mt
            dh_pass, dc_pass = dh - dhc, dc - dcc
        else:
            dhc, dcc = dh, dc
        dz = dZ[:, t]
        np.multiply(dhc, Q[3, t], out=dz[3])                 # d o
        np.multiply(dhc, OT[t], out=dct)
        dct += dcc                                           # d c (total)
        np.multiply(dct, Q[:3, t], out=dz[:3])               # d i, d f, d g
        np.multiply(dct, A[1, t], out=dc)
        np.matmul(dz, rk4T, out=back)                        # dh = sum over gates of dz_k @ rk_k^T
        if rdp is not None and rdp.shape[0] > 1:
            back *= rdp
        np.add.reduce(back, axis=0, out=dh)
        if rdp is not None and rdp.shape[0] == 1:
            dh *= rdp[0]
        if mf is not None:
            dh += dh_pass
            dc += dc_pass
    need = dict(zip(("x", "k", "rk", "b", "h0", "c0") if use_bias else ("x", "k", "rk", "h0", "c0"), needs))
    out = []
    if need.get("x"):
        out.append(_xgrad_gm(dZ, _gate_major(a.kernel, 4), a.dp, go_backwards))
    F = a.x.shape[2]
    if S.shape[2] > U and (need.get("k") or need.get("rk") or need.get("b")):
        M = _step_operands_masks(a.dp, rdp, B, F + use_bias, U, dt)
        dk, db, drk = _folded_wgrads(S, M, dZ, F, use_bias)
    else:
        dk = _wgrad_gm(_time_major(a.x, go_backwards), dZ, a.dp) if need.get("k") else None
        drk = _wgrad_gm(S[:-1], dZ, rdp) if need.get("rk") else None
        db = np.matmul(np.ones(T * B, dt), dZ.reshape(4, T * B, U)).reshape(4 * U) if need.get("b") else None
    for key, g in (("k", dk), ("rk", drk), ("b", db)):
        if need.get(key):
            out.append(g)
    if need.get("h0"):
        out.append(dh)
    if need.get("c0"):
        out.append(dc)
    return tuple(out)


# ---------------------------------------------------------------------------
# GRU
# Gate-major like the LSTM: ``G [3, T, B, u]`` holds every step's input projection, then in
# place the activations z, r and the candidate hh.  With tanh/sigmoid the weights are scaled
# by -1 (z, r) and -2 (candidate; linear in the recurrent part also with ``reset_after``), so
# sigmoid is ``1 / (1 + exp(.))`` (one exp for z and r) and tanh ``2 / (1 + exp(.)) - 1``.
# The backward pass takes every step's local derivatives in a few bulk calls.  Measured
# (``bench/rnn.py --layers gru --clock cpu``, batch 64, 64 units, T=50, 1 thread): 24.3 →
# 18.4 ms per training step.  The input projection is NOT folded into the step GEMM as the
# LSTM's is: the candidate needs its input and recurrent parts apart (``reset_after``), so
# the fold needs a 4th zero-padded weight block, and measured no faster (4.3 vs 3.6-4.8 ms).
_GRU_SCALE = (-1, -1, -2)


def _gru_kernel(*arrays: np.ndarray, activation: str = "tanh", recurrent_activation: str = "sigmoid",
                go_backwards: bool = False, return_sequences: bool = False,
                zero_output_for_mask: bool = False, use_bias: bool = True, has_mask: bool = False,
                n_dp: int = 0, n_rdp: int = 0, reset_after: bool = True) -> tuple:
    a = _Args(arrays, 1, use_bias, has_mask, n_dp, n_rdp)
    x, rk = a.x, a.rk
    _check(x)
    act, _ = _act(activation)
    ract, _ = _act(recurrent_activation)
    B, T, _F = x.shape
    U = rk.shape[0]
    dt = x.dtype
    fast = activation == "tanh" and recurrent_activation == "sigmoid"
    bias = a.bias
    in_b, rec_b = (bias[0], bias[1]) if bias is not None and reset_after else (bias, None)
    k3, rk3 = _gate_major(a.kernel, 3), _gate_major(rk, 3)
    b3 = None if in_b is None else np.array(in_b, dt).reshape(3, 1, U)
    rb3 = None if rec_b is None else np.array(rec_b, dt).reshape(3, 1, U)
    if fast:
        scale = np.array(_GRU_SCALE, dt).reshape(3, 1, 1)
        k3 *= scale
        rk3 *= scale
        b3 = None if b3 is None else b3 * scale
        rb3 = None if rb3 is None else rb3 * scale
    m = _mask_tm(a.mask, go_backwards)
    rdp = a.rdp
    rdp_rec = rdp if rdp is None or reset_after or rdp.shape[0] == 1 else rdp[:2]
    rdp_h = None if rdp is None else rdp[-1]
    rk_rec = rk3 if reset_after else rk3[:2]
    rk_h = rk3[2]
    with np.errstate(over="ignore"):
        G = _project_gm(_time_major(x, go_backwards), k3, b3, a.dp)
        H = np.empty((T + 1, B, U), dt)
        H[0] = a.states[0]
        # reset_after: the candidate's recurrent projection (with its bias); otherwise r * h
        R = np.empty((T, B, U), dt)
        rec = np.empty((3 if reset_after else 2, B, U), dt)
        tmp = np.empty((B, U), dt)
        for t in range(T):
            hp = H[t]
            g = G[:, t]
            np.matmul(hp if rdp_rec is None else hp * rdp_rec, rk_rec, out=rec)
            if rb3 is not None:
                rec += rb3
            zr = g[:2]
            zr += rec[:2]
            if fast:
                np.exp(zr, out=zr)
                zr += 1
                np.reciprocal(zr, out=zr)
            else:
                ract(zr)
            c = g[2]
            if reset_after:
                np.copyto(R[t], rec[2])
                np.multiply(g[1], rec[2], out=tmp)
            else:
                np.multiply(g[1], hp if rdp_h is None else hp * rdp_h, out=R[t])
                np.matmul(R[t], rk_h, out=tmp)
            c += tmp
            if fast:
                np.exp(c, out=c)
                c += 1
                np.divide(2, c, out=c)
                c -= 1
            else:
                act(c)
            h = H[t + 1]
            np.subtract(hp, c, out=h)                # h = z * h_prev + (1 - z) * hh
            h *= g[0]
            h += c
            if m is not None:
                np.copyto(h, hp, where=~m[t])
        if fast and reset_after:
            R *= -0.5                                # the unscaled recurrent projection (exact)
    w = _out_weights(m, zero_output_for_mask)
    return _outputs(H, w, return_sequences), H[T].copy(), G, H, R


def _gru_grad_kernel(*arrays: np.ndarray, activation: str = "tanh", recurrent_activation: str = "sigmoid",
                     go_backwards: bool = False, return_sequences: bool = False,
                     zero_output_for_mask: bool = False, use_bias: bool = True, has_mask: bool = False,
                     n_dp: int = 0, n_rdp: int = 0, reset_after: bool = True, grads: tuple = (True, True),
                     needs: tuple = ()) -> tuple:
    a = _Args(arrays, 1, use_bias, has_mask, n_dp, n_rdp)
    G, H, R = a.rest[:3]
    dout, dhT = _grads_in(a.rest[3:], grads)
    _, T, B, U = G.shape
    dt = H.dtype
    m = _mask_tm(a.mask, go_backwards)
    mf = None if m is None else m.astype(dt)
    dOt, dlast = _seq_grads(dout, _out_weights(m, zero_output_for_mask), return_sequences, T)
    dh = np.zeros((B, U), dt) if dhT is None else dhT.copy()
    if dlast is not None:
        dh += dlast
    rdp = a.rdp
    rdp_rec = rdp if rdp is None or reset_after or rdp.shape[0] == 1 else rdp[:2]
    rdp_h = None if rdp is None else rdp[-1]
    Z, Rg, HH = G[0], G[1], G[2]
    # Every step's local derivatives at once: d z_pre = dh * QZ, d hh_pre = dh * QH,
    # d r_pre = d hh_pre * QR.
    QZ = np.empty((T, B, U), dt)
    _deriv_into(recurrent_activation, Z, QZ)
    QZ *= np.subtract(H[:-1], HH)
    QH = np.empty((T, B, U), dt)
    _deriv_into(activation, HH, QH)
    QH *= np.subtract(1, Z)
    QR = np.empty((T, B, U), dt)
    _deriv_into(recurrent_activation, Rg, QR)
    if reset_after:
        QR *= R                                      # the candidate's recurrent projection
    else:
        QR *= H[:-1] if rdp_h is None else H[:-1] * rdp_h
    rk3T = np.ascontiguousarray(_gate_major(a.rk, 3).transpose(0, 2, 1))
    rk_recT = rk3T if reset_after else rk3T[:2]
    rk_hT = rk3T[2]
    # dX [T, 3, B, u]: the input projections' grads (each step's block contiguous); with
    # reset_after dR the recurrent projections' (z, r equal dX's).
    dX = np.empty((T, 3, B, U), dt)
    dR = np.empty((T, 3, B, U), dt) if reset_after else None
    back = np.empty((3 if reset_after else 2, B, U), dt)
    drh = np.empty((B, U), dt)
    dh_new = np.empty((B, U), dt)
    for t in range(T - 1, -1, -1):
        if dOt is not None:
            dh += dOt[t]
        if mf is not None:
            dhc = dh * mf[t]
            dh_pass = dh - dhc
        else:
            dhc = dh
        dx = dX[t]
        np.multiply(dhc, QH[t], out=dx[2])               # d candidate pre-activation
        np.multiply(dhc, Z[t], out=dh_new)               # through h = z * h_prev + ...
        if reset_after:
            d = dR[t]
            np.multiply(dhc, QZ[t], out=d[0])
            np.multiply(dx[2], QR[t], out=d[1])
            np.multiply(dx[2], Rg[t], out=d[2])
            np.matmul(d, rk_recT, out=back)
        else:
            np.multiply(dhc, QZ[t], out=dx[0])
            np.matmul(dx[2], rk_hT, out=drh)
            np.multiply(drh, QR[t], out=dx[1])
            drh *= Rg[t]
            if rdp_h is not None:
                drh *= rdp_h
            dh_new += drh
            np.matmul(dx[:2], rk_recT, out=back)
        if rdp_rec is not None and rdp_rec.shape[0] > 1:
            back *= rdp_rec
        np.add.reduce(back, axis=0, out=drh)
        if rdp_rec is not None and rdp_rec.shape[0] == 1:
            drh *= rdp_rec[0]
        dh_new += drh
        if mf is not None:
            dh_new += dh_pass
        dh, dh_new = dh_new, dh
    if reset_after:
        dX[:, :2] = dR[:, :2]
    DX = np.ascontiguousarray(dX.transpose(1, 0, 2, 3))  # gate-major [3, T, B, u]
    names = ("x", "k", "rk", "b", "h0") if use_bias else ("x", "k", "rk", "h0")
    need = dict(zip(names, needs))
    out = []
    if need.get("x"):
        out.append(_xgrad_gm(DX, _gate_major(a.kernel, 3), a.dp, go_backwards))
    if need.get("k"):
        out.append(_wgrad_gm(_time_major(a.x, go_backwards), DX, a.dp))
    DR = np.ascontiguousarray(dR.transpose(1, 0, 2, 3)) if reset_after and (need.get("rk") or need.get("b")) \
        else None
    if need.get("rk"):
        if reset_after:
            out.append(_wgrad_gm(H[:-1], DR, rdp))
        else:
            drk = np.empty_like(a.rk)
            drk[:, :2 * U] = _wgrad_gm(H[:-1], DX[:2], rdp_rec)
            drk[:, 2 * U:] = _mm(R.reshape(T * B, U).T, DX[2].reshape(T * B, U))
            out.append(drk)
    if need.get("b"):
        ones = np.ones(T * B, dt)
        db = np.matmul(ones, DX.reshape(3, T * B, U)).reshape(3 * U)
        if reset_after:
            db = np.stack([db, np.matmul(ones, DR.reshape(3, T * B, U)).reshape(3 * U)])
        out.append(db)
    if need.get("h0"):
        out.append(dh)
    return tuple(out)


# ---------------------------------------------------------------------------
# SimpleRNN
def _simple_rnn_kernel(*arrays: np.ndarray, activation: str = "tanh", go_backwards: bool = False,
                       return_sequences: bool = False, zero_output_for_mask: bool = False,
                       use_bias: bool = True, has_mask: bool = False, n_dp: int = 0, n_rdp: int = 0) -> tuple:
    a = _Args(arrays, 1, use_bias, has_mask, n_dp, n_rdp)
    x, rk = a.x, a.rk
    _check(x)
    act, _ = _act(activation)
    B, T, _F = x.shape
    U = rk.shape[0]
    m = _mask_tm(a.mask, go_backwards)
    with np.errstate(over="ignore"):
        Z = _project(_time_major(x, go_backwards), a.kernel, a.bias, a.dp, U)   # → cell outputs
        H = np.empty((T + 1, B, U), x.dtype)
        H[0] = a.states[0]
        for t in range(T):
            z = Z[t]
            z += _rec(H[t], rk, a.rdp, U)
            act(z)
            if m is None:
                H[t + 1] = z
            else:
                np.copyto(H[t + 1], np.where(m[t], z, H[t]))
    w = _out_weights(m, zero_output_for_mask)
    return _outputs(H, w, return_sequences), H[T].copy(), Z, H


def _simple_rnn_grad_kernel(*arrays: np.ndarray, activation: str = "tanh", go_backwards: bool = False,
                            return_sequences: bool = False, zero_output_for_mask: bool = False,
                            use_bias: bool = True, has_mask: bool = False, n_dp: int = 0, n_rdp: int = 0,
                            grads: tuple = (True, True), needs: tuple = ()) -> tuple:
    a = _Args(arrays, 1, use_bias, has_mask, n_dp, n_rdp)
    Z, H = a.rest[:2]
    dout, dhT = _grads_in(a.rest[2:], grads)
    _, dact = _act(activation)
    T, B, U = Z.shape
    m = _mask_tm(a.mask, go_backwards)
    mf = None if m is None else m.astype(H.dtype)
    dOt, dlast = _seq_grads(dout, _out_weights(m, zero_output_for_mask), return_sequences, T)
    dh = np.zeros((B, U), H.dtype) if dhT is None else dhT.copy()
    if dlast is not None:
        dh += dlast
    DZ = dact(Z)
    dZ = np.empty_like(Z)
    rkT = np.ascontiguousarray(a.rk.T)
    for t in range(T - 1, -1, -1):
        if dOt is not None:
            dh = dh + dOt[t]
        if mf is not None:
            dhc = dh * mf[t]
            dh_pass = dh - dhc
        else:
            dhc = dh
        dz = dZ[t]
        np.multiply(dhc, DZ[t], out=dz)
        dh = _rec_back(dz, rkT, a.rdp, U)
        if mf is not None:
            dh += dh_pass
    names = ("x", "k", "rk", "b", "h0") if use_bias else ("x", "k", "rk", "h0")
    need = dict(zip(names, needs))
    out = []
    if need.get("x"):
        out.append(_xgrad(dZ, a.kernel, a.dp, U, go_backwards))
    if need.get("k"):
        out.append(_wgrad(_time_major(a.x, go_backwards), dZ, a.dp, U))
    if need.get("rk"):
        out.append(_wgrad(H[:-1], dZ, a.rdp, U))
    if need.get("b"):
        out.append(_colsum(dZ))
    if need.get("h0"):
        out.append(dh)
    return tuple(out)


# ---------------------------------------------------------------------------
# vjp rules: one call of the grad op for everything the tape needs.
def _make_vjp(grad_op: str, n_main: int) -> Callable:
    def vjp(K: Any, g: tuple, xs: tuple, ys: tuple, shapes: tuple, attrs: dict, needs: tuple) -> list:
        n_diff = 3 + bool(attrs.get("use_bias", True)) + (2 if grad_op == "LSTMGrad" else 1)
        need = tuple(bool(n) for n in needs[:n_diff])
        if not any(need):
            return [None] * len(xs)
        present = tuple(gi is not None for gi in g[:n_main])
        res = getattr(K, grad_op)(*xs, *ys[n_main:], *[gi for gi in g[:n_main] if gi is not None],
                                  **attrs, grads=present, needs=need)
        it = iter(res)
        return [next(it) if k < n_diff and need[k] else None for k in range(len(xs))]
    vjp.accepts_none = True
    return vjp


# n_out=2 marks multi-output ops (the real count follows from the attrs).
register_op("LSTM", _lstm_kernel, _make_vjp("LSTMGrad", 3), n_out=2)
register_op("LSTMGrad", _lstm_grad_kernel, None, n_out=2)
register_op("GRU", _gru_kernel, _make_vjp("GRUGrad", 2), n_out=2)
register_op("GRUGrad", _gru_grad_kernel, None, n_out=2)
register_op("SimpleRNN", _simple_rnn_kernel, _make_vjp("SimpleRNNGrad", 2), n_out=2)
register_op("SimpleRNNGrad", _simple_rnn_grad_kernel, None, n_out=2)


# ---------------------------------------------------------------------------
# Public wrappers
def _run(op: str, x: Any, kernel: Any, recurrent_kernel: Any, bias: Any, states: list, mask: Any,
         dropout_mask: Any, recurrent_dropout_mask: Any, n_main: int, attrs: dict) -> tuple:
    xt = tensor(x)
    fdt = xt.dtype
    ins = [xt, tensor(kernel), tensor(recurrent_kernel)]
    if bias is not None:
        ins.append(tensor(bias))
    ins.extend(tensor(s) for s in states)
    if mask is not None:
        mask = tensor(mask)
        if mask.dtype.name != "bool":
            from .array_ops import cast
            mask = cast(mask, "bool")
        ins.append(mask)
    n_dp = n_rdp = 0
    if dropout_mask is not None:
        dropout_mask = _stack_masks(dropout_mask)
        n_dp = int(dropout_mask.shape[0])
        ins.append(dropout_mask)
    if recurrent_dropout_mask is not None:
        recurrent_dropout_mask = _stack_masks(recurrent_dropout_mask)
        n_rdp = int(recurrent_dropout_mask.shape[0])
        ins.append(recurrent_dropout_mask)
    for t in ins[1:]:
        if t.dtype != fdt and t.dtype.name != "bool":
            raise ValueError(f"{op}: all float inputs must share the dtype of x ({fdt.name}); got {t.dtype.name}")
    for key in ("activation", "recurrent_activation"):
        if key in attrs:
            _act(attrs[key])
    attrs = dict(attrs, use_bias=bias is not None, has_mask=mask is not None, n_dp=n_dp, n_rdp=n_rdp)
    out = execute(OPS[op], tuple(ins), attrs)
    return tuple(out[:n_main])


def _stack_masks(masks: Any) -> Tensor:
    from .array_ops import stack
    if isinstance(masks, (list, tuple)):
        return stack([tensor(mk) for mk in masks], axis=0)
    t = tensor(masks)
    if t.ndim == 2:
        from .array_ops import expand_dims
        t = expand_dims(t, 0)
    return t


def lstm(x: Any, kernel: Any, recurrent_kernel: Any, bias: Any, h0: Any, c0: Any, mask: Any = None,
         dropout_mask: Any = None, recurrent_dropout_mask: Any = None, activation: str = "tanh",
         recurrent_activation: str = "sigmoid", go_backwards: bool = False, return_sequences: bool = False,
         zero_output_for_mask: bool = False) -> tuple:
    """Whole-sequence LSTM (Keras gate order ``i, f, c, o``): returns ``(output, h, c)``.

    ``output`` is ``[batch, time, units]`` with ``return_sequences`` (processing
    order) else ``[batch, units]``.  ``bias`` may be None.  Dropout masks are
    ``[batch, features]`` / ``[batch, units]`` tensors, or a list with one per gate.
    """
    return _run("LSTM", x, kernel, recurrent_kernel, bias, [h0, c0], mask, dropout_mask,
                recurrent_dropout_mask, 3,
                {"activation": activation, "recurrent_activation": recurrent_activation,
                 "go_backwards": bool(go_backwards), "return_sequences": bool(return_sequences),
                 "zero_output_for_mask": bool(zero_output_for_mask)})


def gru(x: Any, kernel: Any, recurrent_kernel: Any, bias: Any, h0: Any, mask: Any = None,
        dropout_mask: Any = None, recurrent_dropout_mask: Any = None, activation: str = "tanh",
        recurrent_activation: str = "sigmoid", go_backwards: bool = False, return_sequences: bool = False,
        zero_output_for_mask: bool = False, reset_after: bool = True) -> tuple:
    """Whole-sequence GRU (gates ``z, r, h``): returns ``(output, h)``.

    ``bias`` is ``[2, 3u]`` with ``reset_after`` (input, recurrent), else ``[3u]``; may be None.
    """
    return _run("GRU", x, kernel, recurrent_kernel, bias, [h0], mask, dropout_mask, recurrent_dropout_mask, 2,
                {"activation": activation, "recurrent_activation": recurrent_activation,
                 "go_backwards": bool(go_backwards), "return_sequences": bool(return_sequences),
                 "zero_output_for_mask": bool(zero_output_for_mask), "reset_after": bool(reset_after)})


def simple_rnn(x: Any, kernel: Any, recurrent_kernel: Any, bias: Any, h0: Any, mask: Any = None,
               dropout_mask: Any = None, recurrent_dropout_mask: Any = None, activation: str = "tanh",
               go_backwards: bool = False, return_sequences: bool = False,
               zero_output_for_mask: bool = False) -> tuple:
    """Whole-sequence SimpleRNN ``h = act(x @ kernel + h @ recurrent_kernel + bias)``: returns ``(output, h)``."""
    return _run("SimpleRNN", x, kernel, recurrent_kernel, bias, [h0], mask, dropout_mask,
                recurrent_dropout_mask, 2,
                {"activation": activation, "go_backwards": bool(go_backwards),
                 "return_sequences": bool(return_sequences), "zero_output_for_mask": bool(zero_output_for_mask)})
