"""Recurrent layers vs real Keras 3, and the fused RNN ops against finite differences.

Each layer case builds the same layer in our engine and in real Keras (TF
backend), copies the weights, and compares the outputs and the gradients of
``sum(output_k * r_k)`` (random ``r_k`` per output) w.r.t. the inputs and every
weight (our ``GradientTape`` vs ``tf.GradientTape``).  Masks come from a padded
batch through ``Embedding(mask_zero=True)``.  The fused ops
(``engine/ops/rnn_ops.py``) are also checked in float64 against central
differences, with masks, dropout masks, ``go_backwards`` and sequence outputs.
"""
from __future__ import annotations

import json
from typing import Any, Callable

import numpy as np
import pytest

import engine as etf
from engine import keras as ek
from engine.ops import rnn_ops

B, T, F = 3, 6, 4
RTOL, ATOL = 1e-5, 2e-6


def _flat(x: Any) -> list:
    if isinstance(x, (list, tuple)):
        return [y for item in x for y in _flat(item)]
    return [x]


def _np(t: Any) -> np.ndarray:
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


def _json(x: Any) -> Any:
    return json.loads(json.dumps(x, default=list))


def _set_random_weights(rng, ours, theirs, scale: float = 0.3) -> None:
    ws = [(rng.standard_normal(tuple(w.shape)) * scale).astype("float32") for w in theirs.get_weights()]
    theirs.set_weights(ws)
    ours.set_weights(ws)


def _check_grads(got: list, want: list, names: list) -> None:
    assert len(got) == len(want)
    for g, w, n in zip(got, want, names):
        assert g is not None and w is not None, n
        np.testing.assert_allclose(_np(g), _np(w), rtol=RTOL, atol=ATOL, err_msg=n)


def _compare(real_keras, rng, make: Callable, x: np.ndarray, ids: np.ndarray | None = None,
             call_kwargs: dict | None = None, training: bool = False, patch: Callable | None = None) -> tuple:
    """Same layer, same weights: outputs and gradients wrt inputs + weights must match Keras.

    With ``ids`` the layer is fed by ``Embedding(mask_zero=True)(ids)`` (whose table is ``x``'s
    source): the mask of the padded batch flows into the layer, and the gradients include the
    embedding table.
    """
    import tensorflow as tf
    call_kwargs = dict(call_kwargs or {})
    ours, theirs = make(ek), make(real_keras)
    if ids is not None:
        emb_o = ek.layers.Embedding(10, F, mask_zero=True)
        emb_t = real_keras.layers.Embedding(10, F, mask_zero=True)
        emb_o.build()
        emb_t.build()
        table = rng.standard_normal((10, F)).astype("float32")
        emb_o.set_weights([table])
        emb_t.set_weights([table])
        ours(emb_o(etf.constant(ids)), **call_kwargs)
        theirs(emb_t(tf.constant(ids)), **call_kwargs)
    else:
        ours(etf.constant(x), **call_kwargs)
        theirs(tf.constant(x), **call_kwargs)
    _set_random_weights(rng, ours, theirs)
    if patch is not None:
        patch(ours, etf)
        patch(theirs, tf)
    if training:
        call_kwargs["training"] = True

    xe = etf.constant(x if x is not None else 0.0)
    xt = tf.constant(x if x is not None else 0.0)
    with etf.GradientTape() as tape:
        tape.watch(xe)
        src_o = emb_o(etf.constant(ids)) if ids is not None else xe
        out_o = _flat(ours(src_o, **call_kwargs))
        rs = [rng.standard_normal(tuple(o.shape)).astype("float32") for o in out_o]
        loss_o = etf.add_n([etf.reduce_sum(etf.multiply(o, r)) for o, r in zip(out_o, rs)])
    srcs_o = ([emb_o.embeddings] if ids is not None else [xe]) + list(ours.trainable_weights)
    grads_o = tape.gradient(loss_o, srcs_o)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        src_t = emb_t(tf.constant(ids)) if ids is not None else xt
        out_t = _flat(theirs(src_t, **call_kwargs))
        loss_t = tf.add_n([tf.reduce_sum(o * r) for o, r in zip(out_t, rs)])
    srcs_t = ([emb_t.embeddings] if ids is not None else [xt]) + list(theirs.trainable_weights)
    grads_t = [tf.convert_to_tensor(g) for g in tape.gradient(loss_t, srcs_t)]   # IndexedSlices → dense

    assert len(out_o) == len(out_t)
    for k, (a, b) in enumerate(zip(out_o, out_t)):
        assert tuple(a.shape) == tuple(b.shape), k
        np.testing.assert_allclose(_np(a), _np(b), rtol=RTOL, atol=ATOL, err_msg=f"output {k}")
    names = ["input" if ids is None else "embeddings"] + [w.path for w in theirs.trainable_weights]
    assert [w.path for w in ours.trainable_weights] == names[1:]
    _check_grads(grads_o, grads_t, names)
    return ours, theirs, out_o


def _x(rng) -> np.ndarray:
    return rng.standard_normal((B, T, F)).astype("float32")


# padded batch: post-padding, pre-padding, full, a hole in the middle
IDS = np.array([[3, 5, 1, 2, 0, 0],
                [0, 0, 4, 7, 8, 9],
                [1, 2, 3, 4, 5, 6],
                [6, 0, 2, 0, 0, 3]], dtype="int32")

LAYERS = {
    "lstm": lambda k, **kw: k.layers.LSTM(3, **kw),
    "gru": lambda k, **kw: k.layers.GRU(3, **kw),
    "gru_reset_before": lambda k, **kw: k.layers.GRU(3, reset_after=False, **kw),
    "simple_rnn": lambda k, **kw: k.layers.SimpleRNN(3, **kw),
}
OPTIONS = {
    "last": {},
    "sequences": {"return_sequences": True},
    "state": {"return_state": True},
    "backwards": {"go_backwards": True},
    "all": {"return_sequences": True, "return_state": True, "go_backwards": True},
}


@pytest.mark.parametrize("opt", list(OPTIONS))
@pytest.mark.parametrize("kind", list(LAYERS))
def test_layer_matches_keras(kind, opt, real_keras, rng):
    _compare(real_keras, rng, lambda k: LAYERS[kind](k, **OPTIONS[opt]), _x(rng))


@pytest.mark.parametrize("opt", ["last", "sequences", "all"])
@pytest.mark.parametrize("kind", list(LAYERS))
def test_masked_padded_batch_matches_keras(kind, opt, real_keras, rng):
    _, _, outs = _compare(real_keras, rng, lambda k: LAYERS[kind](k, **OPTIONS[opt]), None, ids=IDS)
    # the mask flows out with the sequence (and only then)
    mask = getattr(outs[0], "_keras_mask", None)
    if OPTIONS[opt].get("return_sequences"):
        np.testing.assert_array_equal(_np(mask), IDS != 0)
    else:
        assert mask is None


VARIANTS = {
    "lstm_no_bias": lambda k: k.layers.LSTM(3, use_bias=False, return_sequences=True),
    "lstm_relu_hard_sigmoid": lambda k: k.layers.LSTM(3, activation="relu", recurrent_activation="hard_sigmoid"),
    "lstm_linear_no_forget_bias": lambda k: k.layers.LSTM(2, activation=None, unit_forget_bias=False),
    "gru_no_bias": lambda k: k.layers.GRU(3, use_bias=False, return_sequences=True),
    "gru_reset_before_no_bias": lambda k: k.layers.GRU(3, use_bias=False, reset_after=False),
    "gru_softsign_relu6": lambda k: k.layers.GRU(3, activation="softsign", recurrent_activation="relu6"),
    "simple_rnn_relu_no_bias": lambda k: k.layers.SimpleRNN(4, activation="relu", use_bias=False),
    "simple_rnn_elu": lambda k: k.layers.SimpleRNN(2, activation="elu", return_sequences=True),
    "simple_rnn_selu_softplus_exp": lambda k: k.layers.SimpleRNN(2, activation="selu"),
    # activations the fused kernels do not know run the cell step by step
    "lstm_gelu_stepwise": lambda k: k.layers.LSTM(3, activation="gelu", return_sequences=True),
    "gru_swish_stepwise": lambda k: k.layers.GRU(3, recurrent_activation="swish", reset_after=False,
                                                 return_state=True),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_variants_match_keras(name, real_keras, rng):
    _compare(real_keras, rng, VARIANTS[name], _x(rng))


def test_stepwise_fallback_with_mask(real_keras, rng):
    _compare(real_keras, rng, lambda k: k.layers.LSTM(3, activation="gelu", return_sequences=True,
                                                      go_backwards=True), None, ids=IDS)


def test_fused_path_is_one_op(rng):
    """The layers record one fused op (and no per-step primitives) on the tape."""
    for layer, op in [(ek.layers.LSTM(4), "LSTM"), (ek.layers.GRU(4), "GRU"), (ek.layers.SimpleRNN(4), "SimpleRNN")]:
        x = etf.constant(_x(rng))
        layer(x)
        with etf.GradientTape() as tape:
            layer(x)
        names = [rec[0].name for rec in tape._records]
        assert names == [op], names


# ---------------------------------------------------------------------------
# Bidirectional, TimeDistributed, RNN(cell)
BIDI = {
    "concat_lstm_seq": lambda k: k.layers.Bidirectional(k.layers.LSTM(3, return_sequences=True)),
    "sum_gru_state": lambda k: k.layers.Bidirectional(k.layers.GRU(3, return_state=True), merge_mode="sum"),
    "mul_lstm": lambda k: k.layers.Bidirectional(k.layers.LSTM(2), merge_mode="mul"),
    "ave_gru_reset_before_seq": lambda k: k.layers.Bidirectional(
        k.layers.GRU(2, return_sequences=True, reset_after=False), merge_mode="ave"),
    "none_simple_rnn_seq_state": lambda k: k.layers.Bidirectional(
        k.layers.SimpleRNN(3, return_sequences=True, return_state=True), merge_mode=None),
    "concat_backward_layer": lambda k: k.layers.Bidirectional(
        k.layers.LSTM(3, return_sequences=True), backward_layer=k.layers.GRU(3, return_sequences=True,
                                                                             go_backwards=True)),
}


@pytest.mark.parametrize("name", list(BIDI))
def test_bidirectional_matches_keras(name, real_keras, rng):
    _compare(real_keras, rng, BIDI[name], _x(rng))


@pytest.mark.parametrize("name", ["concat_lstm_seq", "none_simple_rnn_seq_state", "mul_lstm"])
def test_bidirectional_masked_matches_keras(name, real_keras, rng):
    ours, _, outs = _compare(real_keras, rng, BIDI[name], None, ids=IDS)
    if ours.return_sequences:
        np.testing.assert_array_equal(_np(outs[0]._keras_mask), IDS != 0)


def test_bidirectional_weights_and_names(real_keras):
    ours = ek.layers.Bidirectional(ek.layers.GRU(3))
    theirs = real_keras.layers.Bidirectional(real_keras.layers.GRU(3))
    ours.build((2, 4, 5))
    theirs.build((2, 4, 5))
    assert ours.name == theirs.name == "bidirectional"
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    assert ours.forward_layer.name == "forward_gru" and ours.backward_layer.name == "backward_gru"
    assert ours.backward_layer.go_backwards and not ours.forward_layer.go_backwards


def test_time_distributed_dense_matches_keras(real_keras, rng):
    ours, _, _ = _compare(real_keras, rng,
                          lambda k: k.layers.TimeDistributed(k.layers.Dense(3, activation="tanh")), _x(rng))
    assert [w.path for w in ours.weights] == ["time_distributed/dense/kernel", "time_distributed/dense/bias"]


def test_time_distributed_passes_mask_through(real_keras, rng):
    _, _, outs = _compare(real_keras, rng, lambda k: k.layers.TimeDistributed(k.layers.Dense(2)), None, ids=IDS)
    np.testing.assert_array_equal(_np(outs[0]._keras_mask), IDS != 0)


def _minimal_cell(k, units):
    if k is ek:
        class MinimalRNNCell(ek.layers.Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.units = units
                self.state_size = units

            def build(self, input_shape):
                self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
                self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

            def call(self, inputs, states):
                output = etf.add(etf.matmul(inputs, self.kernel), etf.matmul(states[0], self.recurrent_kernel))
                return output, [output]
        return MinimalRNNCell(units)

    class MinimalRNNCell(k.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

        def call(self, inputs, states):
            output = k.ops.matmul(inputs, self.kernel) + k.ops.matmul(states[0], self.recurrent_kernel)
            return output, [output]
    return MinimalRNNCell(units)


CELLS = {
    "lstm_cell": lambda k: k.layers.RNN(k.layers.LSTMCell(3), return_sequences=True),
    "gru_cell_state": lambda k: k.layers.RNN(k.layers.GRUCell(3), return_state=True),
    "gru_cell_reset_before_backwards": lambda k: k.layers.RNN(k.layers.GRUCell(3, reset_after=False),
                                                              go_backwards=True),
    "simple_rnn_cell": lambda k: k.layers.RNN(k.layers.SimpleRNNCell(3), return_sequences=True),
    "stacked_cells": lambda k: k.layers.RNN([k.layers.LSTMCell(3), k.layers.GRUCell(2), k.layers.SimpleRNNCell(2)],
                                            return_sequences=True, return_state=True),
    "custom_cell": lambda k: k.layers.RNN(_minimal_cell(k, 3), return_sequences=True, return_state=True),
}


@pytest.mark.parametrize("name", list(CELLS))
def test_rnn_cells_match_keras(name, real_keras, rng):
    _compare(real_keras, rng, CELLS[name], _x(rng))


@pytest.mark.parametrize("name", ["stacked_cells", "custom_cell"])
def test_rnn_cells_masked_match_keras(name, real_keras, rng):
    _compare(real_keras, rng, CELLS[name], None, ids=IDS)


def test_cell_single_step_matches_keras(real_keras, rng):
    import tensorflow as tf
    for make in (lambda k: k.layers.LSTMCell(3), lambda k: k.layers.GRUCell(3), lambda k: k.layers.SimpleRNNCell(3)):
        ours, theirs = make(ek), make(real_keras)
        x = rng.standard_normal((2, F)).astype("float32")
        ours.build((2, F))
        theirs.build((2, F))
        _set_random_weights(rng, ours, theirs)
        states = [rng.standard_normal((2, 3)).astype("float32") for _ in _flat(ours.state_size)]
        h_o, s_o = ours(etf.constant(x), [etf.constant(s) for s in states])
        h_t, s_t = theirs(tf.constant(x), [tf.constant(s) for s in states])
        np.testing.assert_allclose(_np(h_o), _np(h_t), rtol=RTOL, atol=ATOL)
        for a, b in zip(_flat(s_o), _flat(s_t)):
            np.testing.assert_allclose(_np(a), _np(b), rtol=RTOL, atol=ATOL)


# ---------------------------------------------------------------------------
# initial states, dropout, statefulness
@pytest.mark.parametrize("kind", ["lstm", "gru", "simple_rnn"])
def test_initial_state_matches_keras(kind, real_keras, rng):
    import tensorflow as tf
    n_states = 2 if kind == "lstm" else 1
    ours, theirs = LAYERS[kind](ek, return_sequences=True), LAYERS[kind](real_keras, return_sequences=True)
    x = _x(rng)
    ours(etf.constant(x))
    theirs(tf.constant(x))
    _set_random_weights(rng, ours, theirs)
    s0 = [rng.standard_normal((B, 3)).astype("float32") for _ in range(n_states)]
    se = [etf.constant(s) for s in s0]
    st = [tf.constant(s) for s in s0]
    with etf.GradientTape() as tape:
        tape.watch(se)
        yo = ours(etf.constant(x), initial_state=se)
        loss_o = etf.reduce_sum(etf.multiply(yo, yo))
    g_o = tape.gradient(loss_o, se)
    with tf.GradientTape() as tape:
        tape.watch(st)
        yt = theirs(tf.constant(x), initial_state=st)
        loss_t = tf.reduce_sum(yt * yt)
    g_t = tape.gradient(loss_t, st)
    np.testing.assert_allclose(_np(yo), _np(yt), rtol=RTOL, atol=ATOL)
    _check_grads(g_o, g_t, ["h0", "c0"][:n_states])


@pytest.mark.parametrize("kind", ["lstm", "gru", "bidirectional"])
def test_regularization_losses_match_keras(kind, real_keras, rng):
    import tensorflow as tf

    def make(k):
        kw = dict(kernel_regularizer=k.regularizers.L2(0.01), recurrent_regularizer=k.regularizers.L1(0.02),
                  bias_regularizer=k.regularizers.L1L2(0.01, 0.03), activity_regularizer=k.regularizers.L2(0.05),
                  return_state=True)
        if kind == "lstm":
            return k.layers.LSTM(3, **kw)
        if kind == "gru":
            return k.layers.GRU(3, **kw)
        return k.layers.Bidirectional(k.layers.SimpleRNN(3, return_sequences=True,
                                                         kernel_regularizer=k.regularizers.L2(0.1)))

    ours, theirs = make(ek), make(real_keras)
    x = _x(rng)
    ours.build((B, T, F))
    theirs.build((B, T, F))
    _set_random_weights(rng, ours, theirs)
    ours(etf.constant(x))
    theirs(tf.constant(x))
    assert len(ours.losses) == len(theirs.losses)
    np.testing.assert_allclose(sum(float(_np(v)) for v in ours.losses),
                               sum(float(_np(v)) for v in theirs.losses), rtol=RTOL)


def _fixed_dropout(rng, n_in: int, n_units: int, count: int | None, count_rec: int | None, rate: float = 0.4,
                   batch: int = B):
    """Patch both libraries' cells to use the same (given) dropout masks."""
    def draw(n, count_):
        masks = [((rng.random((batch, n)) > rate) / (1 - rate)).astype("float32") for _ in range(count_ or 1)]
        return masks if count_ else masks[0]
    dp, rdp = draw(n_in, count), draw(n_units, count_rec)

    def patch(layer, lib):
        cell = layer.cell
        conv = (lambda m: [lib.constant(a) for a in m]) if isinstance(dp, list) else lib.constant
        conv_r = (lambda m: [lib.constant(a) for a in m]) if isinstance(rdp, list) else lib.constant
        cell.get_dropout_mask = lambda _x, d=conv(dp): d
        cell.get_recurrent_dropout_mask = lambda _h, d=conv_r(rdp): d
    return patch


DROPOUT = {
    # dropout only: one input mask, the fused projection (Keras's implementation 2)
    "lstm_dropout": (lambda k: k.layers.LSTM(3, dropout=0.4, return_sequences=True), None, None),
    "gru_dropout": (lambda k: k.layers.GRU(3, dropout=0.4), None, None),
    # recurrent dropout: one mask per gate for inputs and states (implementation 1)
    "lstm_recurrent_dropout": (lambda k: k.layers.LSTM(3, dropout=0.4, recurrent_dropout=0.3,
                                                       return_sequences=True), 4, 4),
    "gru_recurrent_dropout": (lambda k: k.layers.GRU(3, dropout=0.4, recurrent_dropout=0.3), 3, 3),
    "gru_reset_before_recurrent_dropout": (lambda k: k.layers.GRU(3, recurrent_dropout=0.3, reset_after=False,
                                                                  return_sequences=True), 3, 3),
    "simple_rnn_both": (lambda k: k.layers.SimpleRNN(3, dropout=0.4, recurrent_dropout=0.3,
                                                     return_sequences=True), None, None),
}


@pytest.mark.parametrize("name", list(DROPOUT))
def test_dropout_masks_match_keras(name, real_keras, rng):
    make, count, count_rec = DROPOUT[name]
    _compare(real_keras, rng, make, _x(rng), training=True,
             patch=_fixed_dropout(rng, F, 3, count, count_rec))


def test_dropout_is_random_in_training_and_off_in_inference(rng):
    layer = ek.layers.LSTM(4, dropout=0.5, recurrent_dropout=0.5, return_sequences=True, seed=3)
    x = etf.constant(_x(rng))
    a = _np(layer(x, training=True))
    b = _np(layer(x, training=True))
    assert not np.allclose(a, b)
    np.testing.assert_array_equal(_np(layer(x)), _np(layer(x, training=False)))
    # one input mask per sequence (not per step): a zeroed feature is zero at every step
    cell = layer.cell
    seen = []
    orig = cell.get_dropout_mask
    cell.get_dropout_mask = lambda s: seen.append(orig(s)) or seen[-1]
    layer(x, training=True)
    assert len(seen) == 1 and len(seen[0]) == 4 and tuple(seen[0][0].shape) == (B, F)


@pytest.mark.parametrize("kind", ["lstm", "gru", "simple_rnn"])
def test_stateful_carries_state_across_calls(kind, real_keras, rng):
    import tensorflow as tf
    ours, theirs = LAYERS[kind](ek, stateful=True), LAYERS[kind](real_keras, stateful=True)
    x1, x2 = _x(rng), _x(rng)
    ours(etf.constant(x1))
    theirs(tf.constant(x1))
    _set_random_weights(rng, ours, theirs)
    ours.reset_states()
    theirs.reset_states()
    first = None
    for x in (x1, x2, x1):
        yo, yt = ours(etf.constant(x)), theirs(tf.constant(x))
        np.testing.assert_allclose(_np(yo), _np(yt), rtol=RTOL, atol=ATOL)
        first = _np(yo) if first is None else first
        for so, st in zip(ours.states, theirs.states):
            np.testing.assert_allclose(_np(so), _np(st), rtol=RTOL, atol=ATOL)
    assert not np.allclose(_np(yo), first)          # the third call started from carried state
    ours.reset_states()
    np.testing.assert_allclose(_np(ours(etf.constant(x1))), first, rtol=1e-6)
    assert all(not s.trainable for s in ours.states) and not any(s is w for s in ours.states for w in ours.weights)
    assert ours.states[0].path == theirs.states[0].path


def test_stateful_model_predict_matches_keras(real_keras, rng):
    x = rng.standard_normal((8, 5, F)).astype("float32")
    models = []
    for k in (ek, real_keras):
        m = k.Sequential([k.Input((5, F), batch_size=4), k.layers.LSTM(3, stateful=True, return_sequences=True),
                          k.layers.GRU(2, stateful=True)])
        if models:
            m.set_weights(models[0].get_weights())
        models.append(m)
    for m in models:
        m.layers[0].reset_states()
        m.layers[1].reset_states()
    p_o = models[0].predict(x, batch_size=4, verbose=0)
    p_t = models[1].predict(x, batch_size=4, verbose=0)
    np.testing.assert_allclose(p_o, p_t, rtol=RTOL, atol=ATOL)
    # the second batch saw the first batch's final state: predicting it alone differs
    models[0].layers[0].reset_states()
    models[0].layers[1].reset_states()
    alone = models[0].predict(x[4:], batch_size=4, verbose=0)
    assert not np.allclose(alone, p_o[4:])


def test_stateful_needs_static_batch():
    with pytest.raises(ValueError, match="batch size must be static"):
        ek.Sequential([ek.Input((5, F)), ek.layers.LSTM(3, stateful=True)])


# ---------------------------------------------------------------------------
# symbolic use, configs, serialization
def test_functional_shapes_and_params_match_keras(real_keras):
    summaries = []
    for k in (ek, real_keras):
        ids = k.Input((None,), dtype="int32")
        h = k.layers.Embedding(20, 8, mask_zero=True)(ids)
        h = k.layers.Bidirectional(k.layers.LSTM(6, return_sequences=True))(h)
        h, s1 = k.layers.GRU(5, return_sequences=True, return_state=True)(h)
        h = k.layers.TimeDistributed(k.layers.Dense(3))(h)
        y, s2, s3 = k.layers.LSTM(4, return_state=True, go_backwards=True)(h)
        m = k.Model(ids, [y, s1, s3])
        summaries.append(([tuple(t.shape) for t in m.outputs], [tuple(t.shape) for t in (h, s2)],
                          m.count_params(), [w.path for w in m.weights]))
    assert summaries[0] == summaries[1]


CONFIGS = {
    "lstm": lambda k: k.layers.LSTM(3, return_sequences=True, dropout=0.1, seed=4,
                                    kernel_regularizer=k.regularizers.L2(0.01)),
    "gru": lambda k: k.layers.GRU(3, reset_after=False, go_backwards=True, recurrent_activation="hard_sigmoid"),
    "simple_rnn": lambda k: k.layers.SimpleRNN(2, activation="relu", stateful=False, return_state=True),
    "rnn_cell": lambda k: k.layers.RNN(k.layers.LSTMCell(3, recurrent_dropout=0.2)),
    "rnn_stacked": lambda k: k.layers.RNN([k.layers.GRUCell(2), k.layers.SimpleRNNCell(3)]),
    "bidirectional": lambda k: k.layers.Bidirectional(k.layers.GRU(3, return_sequences=True), merge_mode="ave"),
    "time_distributed": lambda k: k.layers.TimeDistributed(k.layers.Activation("relu")),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_config_matches_keras_and_round_trips(name, real_keras, rng):
    ours, theirs = CONFIGS[name](ek), CONFIGS[name](real_keras)
    x = _x(rng)
    ours(etf.constant(x))
    theirs(x)
    cfg, kcfg = _json(ours.get_config()), _json(theirs.get_config())
    assert cfg == kcfg
    for source in (ours.get_config(), cfg, kcfg):
        again = type(ours).from_config(json.loads(json.dumps(source, default=list)))
        again(etf.constant(x))
        assert _json(again.get_config()) == cfg
        if ours.weights:
            again.set_weights(ours.get_weights())
            for a, b in zip(_flat(again(etf.constant(x))), _flat(ours(etf.constant(x)))):
                np.testing.assert_allclose(_np(a), _np(b), rtol=1e-6)
    back = type(theirs).from_config(json.loads(json.dumps(cfg)))
    back(x)
    assert _json(back.get_config()) == kcfg


def test_cell_configs_and_initial_weights_match_keras(real_keras):
    for make in (lambda k: k.layers.LSTMCell(3, unit_forget_bias=True), lambda k: k.layers.GRUCell(2, seed=1),
                 lambda k: k.layers.SimpleRNNCell(4, dropout=0.2)):
        ours, theirs = make(ek), make(real_keras)
        assert _json(ours.get_config()) == _json(theirs.get_config())
        ours.build((2, F))
        theirs.build((2, F))
        assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
        # deterministic initial values (biases) agree; the forget-gate bias starts at 1
        np.testing.assert_array_equal(ours.get_weights()[-1], theirs.get_weights()[-1])
        rk = ours.get_weights()[1]
        if rk.shape[0] == rk.shape[1]:   # orthogonal recurrent kernel
            np.testing.assert_allclose(rk.T @ rk, np.eye(rk.shape[0]), atol=1e-5)


def test_model_json_round_trip(rng):
    m = ek.Sequential([ek.Input((T, F)), ek.layers.Bidirectional(ek.layers.LSTM(3, return_sequences=True)),
                       ek.layers.TimeDistributed(ek.layers.Dense(2)), ek.layers.GRU(2)])
    again = ek.models.model_from_json(m.to_json())
    again.set_weights(m.get_weights())
    x = _x(rng)
    np.testing.assert_allclose(again.predict(x, verbose=0), m.predict(x, verbose=0), rtol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match="units"):
        ek.layers.LSTM(0)
    with pytest.raises(ValueError, match="Invalid merge mode"):
        ek.layers.Bidirectional(ek.layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="use_cudnn"):
        ek.layers.GRU(2, use_cudnn="maybe")
    with pytest.raises(ValueError, match="ndim=3"):
        ek.layers.LSTM(2)(etf.zeros((2, 3)))
    with pytest.raises(ValueError, match="not supported by the fused RNN ops"):
        rnn_ops.simple_rnn(etf.zeros((1, 2, 3)), etf.zeros((3, 2)), etf.zeros((2, 2)), None, etf.zeros((1, 2)),
                           activation="gelu")


# ---------------------------------------------------------------------------
# training parity
def _seq_model(k):
    return k.Sequential([k.Input((7,), dtype="int32"), k.layers.Embedding(12, 4, mask_zero=True),
                         k.layers.LSTM(5), k.layers.Dense(1, activation="sigmoid")])


def test_fit_embedding_lstm_dense_matches_keras(real_keras, rng):
    n = 48
    lengths = rng.integers(2, 8, size=n)
    x = np.zeros((n, 7), dtype="int32")
    for i, L in enumerate(lengths):
        x[i, :L] = rng.integers(1, 12, size=L)
    y = (x[:, 0] % 2).astype("float32")[:, None]
    ours, theirs = _seq_model(ek), _seq_model(real_keras)
    ws = [(rng.standard_normal(w.shape) * 0.4).astype("float32") for w in theirs.get_weights()]
    ours.set_weights(ws)
    theirs.set_weights(ws)
    for m, k in ((ours, ek), (theirs, real_keras)):
        m.compile(optimizer=k.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy", metrics=["accuracy"])
    kw = dict(epochs=2, batch_size=8, shuffle=False, verbose=0)
    h_o, h_t = ours.fit(x, y, **kw), theirs.fit(x, y, **kw)
    assert sorted(h_o.history) == sorted(h_t.history)
    for key in h_t.history:
        np.testing.assert_allclose(h_o.history[key], h_t.history[key], rtol=1e-5, atol=1e-6, err_msg=key)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


# ---------------------------------------------------------------------------
# the fused ops against finite differences (float64)
_OP_SPECS = {
    "lstm": (rnn_ops.lstm, 4, 2, lambda u: (4 * u,), {}),
    "gru": (rnn_ops.gru, 3, 1, lambda u: (2, 3 * u), {"reset_after": True}),
    "gru_reset_before": (rnn_ops.gru, 3, 1, lambda u: (3 * u,), {"reset_after": False}),
    "simple_rnn": (rnn_ops.simple_rnn, 1, 1, lambda u: (u,), {}),
}
_OP_MODES = {
    "plain": {},
    "masked_sequences_backwards": {"mask": True, "return_sequences": True, "go_backwards": True},
    "masked_zero_output_dropout": {"mask": True, "return_sequences": True, "zero_output_for_mask": True,
                                   "dropout": 1},
    "per_gate_dropout_relu": {"dropout": "gates", "mask": True, "activation": "relu"},
    "hard_sigmoid_softplus": {"activation": "softplus", "recurrent_activation": "hard_sigmoid",
                              "return_sequences": True},
    "recurrent_dropout_only_backwards": {"dropout": "gates", "input_dropout": False, "go_backwards": True,
                                         "return_sequences": True},
}


@pytest.mark.parametrize("mode", list(_OP_MODES))
@pytest.mark.parametrize("name", list(_OP_SPECS))
def test_fused_op_gradients_finite_differences(name, mode, rng):
    _check_finite_differences(name, mode, rng)


# The LSTM kernel folds the input projection into the step GEMM up to ``_FOLD_MAX_FEATURES``
# inputs, else runs one projection GEMM up front: force the second path here.
_LSTM_PATHS = {
    "projected": {"_FOLD_MAX_FEATURES": 0},
}


@pytest.mark.parametrize("mode", list(_OP_MODES))
@pytest.mark.parametrize("path", list(_LSTM_PATHS))
def test_lstm_kernel_paths_finite_differences(path, mode, rng, monkeypatch):
    for key, value in _LSTM_PATHS[path].items():
        monkeypatch.setattr(rnn_ops, key, value)
    _check_finite_differences("lstm", mode, rng)


def _check_finite_differences(name: str, mode: str, rng) -> None:
    op, gates, n_states, bias_shape, extra = _OP_SPECS[name]
    opts = dict(_OP_MODES[mode])
    if name == "simple_rnn":
        opts.pop("recurrent_activation", None)
    bs, ts, fs, us = 2, 4, 3, 2
    mask = np.array([[1, 0, 1, 1], [0, 1, 1, 0]], dtype=bool) if opts.pop("mask", False) else None
    drop = opts.pop("dropout", None)
    n_masks = gates if drop == "gates" and gates > 1 else 1
    dp = ((rng.random((n_masks, bs, fs)) > 0.3) / 0.7) if drop and opts.pop("input_dropout", True) else None
    rdp = ((rng.random((n_masks, bs, us)) > 0.3) / 0.7) if drop else None
    params = [rng.standard_normal((bs, ts, fs)), rng.standard_normal((fs, gates * us)) * 0.6,
              rng.standard_normal((us, gates * us)) * 0.6, rng.standard_normal(bias_shape(us)) * 0.3]
    params += [rng.standard_normal((bs, us)) * 0.5 for _ in range(n_states)]
    seq = opts.get("return_sequences", False)
    rs = [rng.standard_normal((bs, ts, us) if seq else (bs, us))] + [rng.standard_normal((bs, us))
                                                                       for _ in range(n_states)]

    def loss(ps, tape=None):
        ts_ = [etf.constant(p) for p in ps]
        if tape is not None:
            tape.watch(ts_)
        outs = op(*ts_, mask=None if mask is None else etf.constant(mask),
                  dropout_mask=None if dp is None else etf.constant(dp),
                  recurrent_dropout_mask=None if rdp is None else etf.constant(rdp), **extra, **opts)
        assert all(o.dtype.name == "float64" for o in outs)
        return etf.add_n([etf.reduce_sum(etf.multiply(o, r)) for o, r in zip(outs, rs)]), ts_

    with etf.GradientTape() as tape:
        value, ts_ = loss(params, tape)
    grads = tape.gradient(value, ts_)
    eps = 1e-6
    for i, p in enumerate(params):
        num = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            hi = [q.copy() for q in params]
            lo = [q.copy() for q in params]
            hi[i][idx] += eps
            lo[i][idx] -= eps
            num[idx] = (float(loss(hi)[0]) - float(loss(lo)[0])) / (2 * eps)
        np.testing.assert_allclose(_np(grads[i]), num, rtol=1e-5, atol=1e-7, err_msg=f"param {i}")


def _float64_oracle_errors(real_keras, rng, make: Callable, x: np.ndarray, mask: np.ndarray | None = None,
                          dropout: float = 0.0) -> list:
    """``(name, |ref|, our error, Keras float32 error)`` per output and gradient, against Keras in float64.

    At training sizes float32 results differ from any other float32 implementation by more
    than the small-case tolerances (sums over hundreds of terms in another order), so the
    reference is real Keras run in float64, and our float32 error is held against Keras's own.
    """
    import tensorflow as tf
    layers = {"ours": make(ek, "float32"), "k32": make(real_keras, "float32"), "k64": make(real_keras, "float64")}
    libs = {"ours": etf, "k32": tf, "k64": tf}
    for name, layer in layers.items():
        layer(libs[name].constant(x.astype(layer.dtype)))
    weights = [rng.standard_normal(tuple(w.shape)) * 0.3 for w in layers["k32"].get_weights()]
    dp = None if not dropout else (rng.random((x.shape[0], x.shape[2])) > dropout) / (1 - dropout)
    rs, results = None, {}
    for name, layer in layers.items():
        lib, dt = libs[name], layer.dtype
        layer.set_weights([w.astype(dt) for w in weights])
        if dp is not None:
            layer.cell.get_dropout_mask = lambda _x, d=lib.constant(dp.astype(dt)): d
        xs = lib.constant(x.astype(dt))
        kw = {"training": dp is not None}
        if mask is not None:
            kw["mask"] = lib.constant(mask)
        with lib.GradientTape() as tape:
            tape.watch(xs)
            outs = _flat(layer(xs, **kw))
            rs = rs or [rng.standard_normal(tuple(o.shape)) for o in outs]
            loss = lib.add_n([lib.reduce_sum(lib.multiply(o, lib.constant(r.astype(dt)))) for o, r in zip(outs, rs)])
        grads = tape.gradient(loss, [xs] + list(layer.trainable_weights))
        results[name] = [_np(v).astype("float64") for v in outs + grads]
    names = [f"output {k}" for k in range(len(rs))] + ["x"] + [w.path for w in layers["k32"].trainable_weights]
    ref = results["k64"]
    return [(n, float(np.abs(r).max()), float(np.abs(o - r).max()), float(np.abs(k - r).max()))
            for n, r, o, k in zip(names, ref, results["ours"], results["k32"])]


LSTM_SIZES = {
    # 16 features: the projection folded into the step GEMM; 130: projected up front
    "folded_sequences": dict(batch=64, features=16, kw={"return_sequences": True}),
    "projected_backwards_state": dict(batch=32, features=130, kw={"go_backwards": True, "return_state": True}),
    "masked_dropout": dict(batch=32, features=16, kw={"return_sequences": True, "dropout": 0.4}, mask=True),
}


@pytest.mark.parametrize("size", list(LSTM_SIZES))
def test_lstm_training_size_as_exact_as_keras(size, real_keras, rng):
    """The fast LSTM paths at training sizes: outputs and every gradient as close to float64 as Keras's float32."""
    spec = LSTM_SIZES[size]
    x = rng.standard_normal((spec["batch"], 9, spec["features"])).astype("float32")
    mask = None
    if spec.get("mask"):
        mask = np.ones((spec["batch"], 9), bool)
        mask[::3, 6:] = False
        mask[1::4, :2] = False
    kw = dict(spec["kw"])
    rate = kw.pop("dropout", 0.0)
    errors = _float64_oracle_errors(real_keras, rng, lambda k, dt: k.layers.LSTM(32, dtype=dt, **kw), x, mask, rate)
    for name, scale, ours, theirs in errors:
        assert ours <= 4 * theirs + 1e-7 * max(1.0, scale), (name, scale, ours, theirs)
        assert ours <= 1e-5 * max(1.0, scale), (name, scale, ours, theirs)


def test_fused_op_float32_in_float32_out_and_traced_gradients(rng):
    """float32 stays float32; inside ``engine.function`` the BPTT op is traced and replays."""
    layer = ek.layers.LSTM(3, return_sequences=True)
    x = etf.constant(_x(rng))
    layer(x)

    def step(xb):
        with etf.GradientTape() as tape:
            y = layer(xb)
            loss = etf.reduce_sum(etf.multiply(y, y))
        return [y] + tape.gradient(loss, layer.trainable_weights)

    eager = step(x)
    traced = etf.function(step)
    for _ in range(2):
        got = traced(x)
        for a, b in zip(got, eager):
            assert a.dtype.name == "float32"
            np.testing.assert_allclose(_np(a), _np(b), rtol=1e-6)
    x2 = etf.constant(_x(rng))
    for a, b in zip(traced(x2), step(x2)):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-6)
