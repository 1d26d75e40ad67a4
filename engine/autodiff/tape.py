"""``tf.GradientTape``: records ops on watched tensors; replays them backward.

The recorded list is already in topological order (ops are appended as they
run), so backward is one reversed walk.  A forward pass over the records first
prunes to what depends on the sources, which is also the needs-input-grad mask.
"""
from __future__ import annotations

import contextlib
import enum
from typing import Any

import numpy as np

from ..framework import core, nest
from ..framework.core import DIFF, RAW, Tensor, wrap
from ..framework.variables import Variable


class UnconnectedGradients(enum.Enum):
    """What ``gradient`` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


class GradientTape:
    """Record operations for automatic differentiation (TensorFlow semantics)."""

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self._persistent = persistent
        self._watch_accessed = watch_accessed_variables
        self._records: list = []
        self._recording = False
        self._used = not persistent   # TF: gradient() on a never-entered tape raises
        self._watched_var_ids: set = set()
        self._watched_ids: set = set()  # ids of tensors/variables watched since the last reset
        self._variables: dict = {}

    # -- context ------------------------------------------------------------------
    def __enter__(self) -> "GradientTape":
        if self._used and not self._persistent:
            self._used = False
            self._records = []
        self._recording = True
        core.push_tape(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._recording = False
        core.pop_tape(self)

    @contextlib.contextmanager
    def stop_recording(self):
        """Temporarily stop recording operations on this tape."""
        if not self._recording:
            raise RuntimeError("Trying to stop recording a tape which is not recording.")
        self._recording = False
        try:
            yield
        finally:
            self._recording = True

    def reset(self) -> None:
        """Clear everything recorded (and watched) so far."""
        self._records = []
        self._watched_var_ids = set()
        self._watched_ids = set()
        self._variables = {}

    def watch(self, tensor: Any) -> None:
        """Watch a tensor, a variable, or a nested structure of them."""
        for t in (tensor,) if type(tensor) is Tensor else nest.flatten(tensor):
            if isinstance(t, Variable):
                self._watched_var_ids.add(t._id)
                self._note_variable(t)
                core.watch(t._value, self)
            elif isinstance(t, Tensor):
                if t._np.dtype.kind not in "fc":
                    continue  # TF: only floating tensors can be watched
                core.watch(t, self)
                self._watched_ids.add(t._id)
            else:
                raise ValueError(f"Passed in object {t!r} of type {type(t).__name__!r}, not tf.Tensor or tf.Variable.")

    def _note_variable(self, var: Variable) -> None:
        self._variables.setdefault(var._id, var)
        self._watched_ids.add(var._id)

    def watched_variables(self) -> tuple:
        """The variables accessed (or explicitly watched) while recording, in creation order (as TF)."""
        return tuple(v for _, v in sorted(self._variables.items(), key=lambda kv: kv[0]))

    # -- gradients ------------------------------------------------------------------
    def gradient(self, target: Any, sources: Any, output_gradients: Any = None,
                 unconnected_gradients: Any = UnconnectedGradients.NONE) -> Any:
        """d(sum of target) / d(sources), shaped like ``sources``."""
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set "
                               "of gradients (or jacobians)")
        result = self._gradient(target, sources, output_gradients, unconnected_gradients)
        if not self._persistent:
            self._used = True
            self._records = []
        return result

    def _gradient(self, target: Any, sources: Any, output_gradients: Any,
                  unconnected_gradients: Any) -> Any:
        zero_unconnected = (unconnected_gradients is not UnconnectedGradients.NONE and
                            UnconnectedGradients(unconnected_gradients) is UnconnectedGradients.ZERO)
        flat_sources = [sources] if type(sources) is Tensor else nest.flatten(sources)
        for s in flat_sources:
            if not isinstance(s, (Tensor, Variable)):
                raise ValueError(f"Passed in object {s!r} of type {type(s).__name__!r}, not tf.Tensor or tf.Variable or ExtensionType.")
        flat_targets = [target] if type(target) is Tensor else \
            [core.convert_to_tensor(t) for t in nest.flatten(target)]
        if output_gradients is not None:
            flat_og = nest.flatten(output_gradients)
            if len(flat_og) != len(flat_targets):
                raise ValueError("output_gradients must have the same structure as target")
        else:
            flat_og = [None] * len(flat_targets)

        diff = self._differentiable()
        K = DIFF if diff else RAW
        records = self._records
        # A source counts only if this tape watches it (explicitly or as an accessed
        # variable) or one of its records produced it: TF gives None otherwise.
        watched = self._watched_ids
        source_ids = set()
        pending = set()
        for s in flat_sources:
            i = s._id
            if i:
                (source_ids if i in watched else pending).add(i)
        if pending:
            for rec in records:
                for o in rec[5]:
                    if o in pending:
                        source_ids.add(o)
        # Forward prune: ids that depend on a source (also the needs-input-grad mask).
        reach = set(source_ids)
        relevant = []
        for rec in records:
            for i in rec[4]:
                if i in reach:
                    relevant.append(rec)
                    for o in rec[5]:
                        if o:
                            reach.add(o)
                    break
        grads: dict = {}
        for t, og in zip(flat_targets, flat_og):
            if t._id and t._id in reach:
                if og is None:
                    g = np.ones_like(t._np)
                    g = wrap(g) if diff else g
                else:
                    g = core.convert_to_tensor(og, dtype=t.dtype)
                    g = g if diff else g._np
                _accumulate(grads, t._id, g, diff)
        for op, xs, ys, attrs, in_ids, out_ids, shapes in reversed(relevant):
            if len(out_ids) == 1:
                oid = out_ids[0]
                g = grads.get(oid) if oid in source_ids else grads.pop(oid, None)
                if g is None:
                    continue
            else:
                gs = [grads.get(o) if o in source_ids else grads.pop(o, None) for o in out_ids]
                if all(x is None for x in gs):
                    continue
                g = (tuple(gs) if getattr(op.vjp, "accepts_none", False) else
                     tuple(x if x is not None else _zeros(op, ys, k, diff) for k, x in enumerate(gs)))
            needs = tuple([i in reach for i in in_ids])
            if not diff:
                xs = tuple([None if x is None else x._np for x in xs]) if xs is not None else (None,) * len(in_ids)
                if ys is not None:
                    ys = ys[0]._np if len(ys) == 1 else tuple([y._np for y in ys])
            else:
                if xs is None:
                    xs = (None,) * len(in_ids)
                if ys is not None:
                    ys = ys[0] if len(ys) == 1 else ys
            in_grads = op.vjp(K, g, xs, ys, shapes, attrs, needs)
            for iid, need, gi in zip(in_ids, needs, in_grads):
                if need and gi is not None:
                    _accumulate(grads, iid, gi, diff)
        results = []
        for s in flat_sources:
            sid = s._id
            g = grads.get(sid) if sid in source_ids else None
            arr = s._value._np if isinstance(s, Variable) else s._np
            if g is None:
                results.append(wrap(np.zeros_like(arr)) if zero_unconnected else None)
            elif arr.dtype.kind not in "fc":
                results.append(None)
            elif diff:
                results.append(g)
            else:
                results.append(wrap(g if isinstance(g, np.ndarray) else np.asarray(g)))
        if (type(sources) in (list, tuple) and len(sources) == len(results)
                and all(a is b for a, b in zip(sources, flat_sources))):  # a flat list: no repacking
            return type(sources)(results)
        return nest.pack_sequence_as(sources, results)

    def jacobian(self, target: Any, sources: Any, unconnected_gradients: Any = UnconnectedGradients.NONE,
                 parallel_iterations: Any = None, experimental_use_pfor: bool = True) -> Any:
        """Full Jacobian: shape ``target.shape + source.shape`` per source."""
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set "
                               "of gradients (or jacobians)")
        target = core.convert_to_tensor(target)
        flat_sources = nest.flatten(sources)
        n = int(np.prod(target._np.shape, dtype=np.int64))
        rows: list[list] = [[] for _ in flat_sources]
        for i in range(n):
            og = np.zeros(n, dtype=target._np.dtype)
            og[i] = 1
            gs = self._gradient(target, flat_sources, wrap(og.reshape(target._np.shape)), unconnected_gradients)
            for k, g in enumerate(gs):
                rows[k].append(g)
        diff = self._differentiable()
        out = []
        for k, s in enumerate(flat_sources):
            sshape = tuple(s.shape)
            if all(g is None for g in rows[k]) and n:
                out.append(None)
                continue
            out.append(_assemble(rows[k], 0, sshape, s.dtype.as_numpy_dtype,
                                 tuple(target._np.shape) + sshape, diff))
        if not self._persistent:
            self._used = True
            self._records = []
        return nest.pack_sequence_as(sources, out)

    def batch_jacobian(self, target: Any, source: Any, unconnected_gradients: Any = UnconnectedGradients.NONE,
                       parallel_iterations: Any = None, experimental_use_pfor: bool = True) -> Any:
        """Per-example Jacobian: ``[b, *target.shape[1:], *source.shape[1:]]``."""
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set "
                               "of gradients (or jacobians)")
        target = core.convert_to_tensor(target)
        tshape = tuple(target._np.shape)
        sshape = tuple(source.shape)
        if not tshape or not sshape or tshape[0] != sshape[0]:
            raise ValueError(f"Need first dimension of target shape ({tshape}) and source shape ({sshape}) to match.")
        b = tshape[0]
        m = int(np.prod(tshape[1:], dtype=np.int64))
        cols = []
        for j in range(m):
            og = np.zeros((b, m), dtype=target._np.dtype)
            og[:, j] = 1
            cols.append(self._gradient(target, source, wrap(og.reshape(tshape)), unconnected_gradients))
        diff = self._differentiable()
        if not self._persistent:
            self._used = True
            self._records = []
        return _assemble(cols, 1, sshape, source.dtype.as_numpy_dtype, (b,) + tshape[1:] + sshape[1:], diff)

    def _differentiable(self) -> bool:
        """Whether results must be built from recorded ops (higher order or tracing)."""
        return (self._recording or core.get_tracer() is not None
                or any(t._recording and t is not self for t in core.current_tapes()))


def _assemble(parts: list, axis: int, part_shape: tuple, npdtype: Any, shape: tuple, diff: bool) -> Any:
    """Stack per-row gradients (None → zeros) along ``axis`` and reshape to ``shape``.

    With ``diff`` the stacking is recorded (``Pack``/``Reshape``), so a Jacobian
    is differentiable by an outer tape and traced into a ``function`` graph."""
    if not parts:
        return wrap(np.zeros(shape, npdtype))
    if diff:
        xs = [wrap(np.zeros(part_shape, npdtype)) if g is None else g for g in parts]
        return DIFF.Reshape(DIFF.Pack(*xs, axis=axis), shape=shape)
    arr = np.stack([np.zeros(part_shape, npdtype) if g is None else g._np for g in parts], axis=axis)
    return wrap(arr.reshape(shape))


def _zeros(op: Any, outputs: Any, k: int, diff: bool) -> Any:
    o = outputs[k] if outputs is not None else None
    if o is None:
        raise RuntimeError(f"op {op.name} needs save_output=True for multi-output gradients")
    z = np.zeros_like(o._np)
    return wrap(z) if diff else z


def _accumulate(grads: dict, key: int, g: Any, diff: bool) -> None:
    prev = grads.get(key)
    if prev is None:
        grads[key] = g
    elif diff:
        grads[key] = DIFF.AddV2(prev, g)
    else:
        grads[key] = prev + g
