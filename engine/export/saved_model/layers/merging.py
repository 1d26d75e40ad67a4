"""Merges: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot (with masks as the engine)."""
from __future__ import annotations

from typing import Callable

from ....keras import backend
from ..graph import GT, GraphBuilder
from .base import Call, converter


def _align_ranks(g: GraphBuilder, xs: list) -> list:
    """Keras's Merge: lower-rank inputs get unit axes inserted at position 1."""
    top = max(x.rank for x in xs)
    out = []
    for x in xs:
        for _ in range(top - x.rank):
            x = g.expand_dims(x, 1)
        out.append(x)
    return out


def _merged_mask(g: GraphBuilder, masks: list) -> GT | None:
    """Merge.compute_mask: the OR of the input masks when every input has one."""
    if not masks or any(m is None for m in masks):
        return None
    out = masks[0]
    for m in masks[1:]:
        out = g.logical_or(out, m)
    return out


def _fold(g: GraphBuilder, op: str, xs: list) -> GT:
    out = xs[0]
    for x in xs[1:]:
        out = g.binary(op, out, x)
    return out


def _expand_mask(g: GraphBuilder, mask: GT, x: GT) -> GT:
    """``broadcast_to(expand_dims(mask, -1), x.shape)`` — SelectV2 broadcasts, so the expand suffices."""
    return g.expand_dims(mask, -1)


def _masked_fold(g: GraphBuilder, op: str, xs: list, masks: list) -> tuple:
    """Merge._apply_merge_op_and_or_mask (Maximum/Minimum): masked positions take the other operand."""
    output = output_mask = None
    for x, mask in zip(xs, masks):
        if mask is not None:
            mask = g.logical_or(_expand_mask(g, mask, x), g.bool_like(x, False))  # broadcast to x's shape
        if output is None:
            output, output_mask = x, mask
            continue
        if mask is not None:
            x = g.select(mask, x, output)
        if output_mask is not None:
            output = g.select(output_mask, output, x)
        output_mask = g.logical_or(output_mask, mask) if mask is not None and output_mask is not None else None
        output = g.binary(op, output, x)
    out_mask = None if output_mask is None else g.reduce("Any", output_mask, [-1])
    return output, out_mask


def _elementwise(op: str) -> Callable[[Call], GT]:
    def convert(call: Call) -> GT:
        g = call.g
        xs = _align_ranks(g, call.inputs)
        masks = call.masks
        if op in ("Maximum", "Minimum") and any(m is not None for m in masks):
            out, call_mask = _masked_fold(g, op, xs, masks)
            call.out_masks = [call_mask if call_mask is not None else _merged_mask(g, masks)]
            return out
        call.out_masks = [_merged_mask(g, masks)]
        if op == "Average":
            return g.div(_fold(g, "AddV2", xs), float(len(xs)))
        return _fold(g, op, xs)
    return convert


converter("Add", masks=True)(_elementwise("AddV2"))
converter("Subtract", masks=True)(_elementwise("Sub"))
converter("Average", masks=True)(_elementwise("Average"))
converter("Maximum", masks=True)(_elementwise("Maximum"))
converter("Minimum", masks=True)(_elementwise("Minimum"))


@converter("Multiply", masks=True)
def _multiply(call: Call) -> GT:
    """Masked positions count as 1, and as 0 where every input is masked (engine's Multiply)."""
    g = call.g
    xs = _align_ranks(g, call.inputs)
    masks = list(call.masks)
    if all(m is None for m in masks):
        call.out_masks = [None]
        return _fold(g, "Mul", xs)
    has_output_mask = all(m is not None for m in masks)
    output = output_mask = None
    for x, mask in zip(xs, masks):
        if mask is not None:
            mask = g.logical_or(_expand_mask(g, mask, x), g.bool_like(x, False))
            x = g.select(mask, x, g.scalar_like(1.0, x))
            if has_output_mask:
                output_mask = mask if output_mask is None else g.logical_or(output_mask, mask)
        output = x if output is None else g.mul(output, x)
    if has_output_mask:
        output = g.select(output_mask, output, g.scalar_like(0.0, output))
        call.out_masks = [g.reduce("Any", output_mask, [-1])]
    else:
        call.out_masks = [None]
    return output


@converter("Concatenate", masks=True)
def _concatenate(call: Call) -> GT:
    g, xs, masks = call.g, call.inputs, call.masks
    axis = call.layer.axis
    y = g.concat(xs, axis)
    if all(m is None for m in masks):
        call.out_masks = [None]
        return y
    full = []
    for x, m in zip(xs, masks):  # Concatenate.compute_mask
        if m is None:
            full.append(g.bool_like(x, True))
        elif m.rank < x.rank:
            full.append(g.logical_or(g.expand_dims(m, -1), g.bool_like(x, False)))
        else:
            full.append(m)
    call.out_masks = [g.reduce("Any", g.concat(full, axis), [-1])]
    return y


def _l2_normalize(g: GraphBuilder, x: GT, axis: int) -> GT:
    """Keras's ``normalize(order=2)``: ``x * min(rsqrt(sum(x²)), 1/epsilon)``."""
    inv = g.unary("Rsqrt", g.reduce("Sum", g.unary("Square", x), [axis], keepdims=True))
    return g.mul(x, g.binary("Minimum", inv, 1.0 / backend.epsilon()))


def batch_dot(g: GraphBuilder, x: GT, y: GT, axes: list) -> GT:
    """The engine's ``batch_dot`` with ``BatchMatMulV2`` (static shapes except the batch)."""
    x_ndim, y_ndim = x.rank, y.rank
    a0, a1 = axes
    orig_x, orig_y = x_ndim, y_ndim
    if x_ndim == 2:
        x, a0, x_ndim = g.expand_dims(x, 1), a0 + 1, 3
    if y_ndim == 2:
        y, y_ndim = g.expand_dims(y, 2), 3
    if a0 != x_ndim - 1:
        x = g.transpose(x, [i for i in range(x_ndim) if i != a0] + [a0])
    if a1 != 1:
        y = g.transpose(y, [0, a1] + [i for i in range(1, y_ndim) if i != a1])
    xs, ys = x.shape, y.shape
    if x_ndim > 3:
        x = g.reshape(x, [-1, _prod(xs[1:-1]), xs[-1]])
    if y_ndim > 3:
        y = g.reshape(y, [-1, ys[1], _prod(ys[2:])])
    result = g.batch_matmul(x, y)
    if x_ndim > 3 or y_ndim > 3:
        out = (tuple(xs[1:-1]) if x_ndim > 3 else (xs[1],)) + (tuple(ys[2:]) if y_ndim > 3 else (ys[2],))
        result = g.reshape(result, [-1, *out], shape=(None, *out))
    if orig_x == 2:
        result = g.squeeze(result, [1])
    elif orig_y == 2:
        result = g.squeeze(result, [-1])
    return result


def _prod(dims: tuple) -> int:
    out = 1
    for d in dims:
        if d is None:
            raise ValueError("Dot over axes with unknown sizes")
        out *= d
    return out


@converter("Dot", masks=True)
def _dot(call: Call) -> GT:
    g, (x1, x2), layer = call.g, call.inputs, call.layer
    axes = layer._axes_for(tuple(x1.shape), tuple(x2.shape))
    if layer.normalize:
        x1, x2 = _l2_normalize(g, x1, axes[0]), _l2_normalize(g, x2, axes[1])
    call.out_masks = [None]
    try:
        return batch_dot(g, x1, x2, axes)
    except ValueError as e:
        raise call.fail(str(e)) from None
