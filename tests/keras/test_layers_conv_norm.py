"""Convolution, pooling and normalization layers vs real Keras 3.

Each case builds the same layer in our engine and in real Keras (same config,
same weights) and compares outputs (inference and training mode), gradients of
``sum(output * r)`` w.r.t. the input and every trainable weight, symbolic output
shapes (static and unknown spatial sizes), ``get_config()`` and ``from_config``
round trips.  TensorFlow's CPU kernels lack a few configurations our engine
runs (channels_first convolutions, dilated transposed convolutions, unequal
depthwise strides); there the oracle is Keras under XLA or Keras channels_last
on transposed data.  Further tests: BatchNormalization's moving averages,
``trainable=False``, masks, the fused op and its higher-order gradients, error
messages, and a small CNN trained with ``fit`` against Keras.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pytest

import engine as tf
from engine import keras as ek

pytestmark = pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`:UserWarning")


@dataclass
class Case:
    id: str
    make: Callable[[Any], Any]      # k (engine.keras or keras) -> layer
    shape: tuple                    # full input shape (batch first)
    sym: list | None = None         # extra symbolic input shapes (without batch)
    cf: bool = False                # channels_first layer: Keras runs channels_last on transposed data
    xla: bool = False               # run the Keras oracle under XLA (TF's CPU kernels lack the config)
    tol: float = 2e-5


CF = "channels_first"  # factories of ``cf`` cases take ``df`` so the oracle can ask for channels_last
CASES = [
    # -- convolutions
    Case("conv1d", lambda k: k.layers.Conv1D(4, 3), (2, 9, 3), sym=[(None, 3)]),
    Case("conv1d_same_stride", lambda k: k.layers.Conv1D(4, 3, strides=2, padding="same"), (2, 9, 3)),
    Case("conv1d_causal", lambda k: k.layers.Conv1D(3, 3, padding="causal"), (2, 7, 2), sym=[(None, 2)]),
    Case("conv1d_causal_dilated", lambda k: k.layers.Conv1D(3, 2, padding="causal", dilation_rate=3,
                                                            activation="tanh"), (2, 8, 2)),
    Case("conv1d_groups", lambda k: k.layers.Conv1D(4, 3, groups=2), (2, 8, 4)),
    Case("conv1d_cf", lambda k, df=CF: k.layers.Conv1D(4, 3, strides=2, data_format=df), (2, 3, 9), cf=True),
    Case("conv2d", lambda k: k.layers.Conv2D(4, 3), (2, 7, 6, 3), sym=[(None, None, 3)]),
    Case("conv2d_same_stride", lambda k: k.layers.Conv2D(5, 3, strides=2, padding="same", activation="relu"),
         (2, 7, 8, 3)),
    Case("conv2d_rect", lambda k: k.layers.Conv2D(3, (2, 3), strides=(2, 1), use_bias=False), (2, 7, 6, 2)),
    Case("conv2d_dilated", lambda k: k.layers.Conv2D(3, 3, dilation_rate=(2, 1), padding="same"), (2, 7, 6, 2)),
    Case("conv2d_1x1", lambda k: k.layers.Conv2D(6, 1, activation="sigmoid"), (2, 4, 5, 3)),
    Case("conv2d_groups", lambda k: k.layers.Conv2D(6, 3, groups=3, padding="same"), (2, 5, 6, 3)),
    Case("conv2d_cf", lambda k, df=CF: k.layers.Conv2D(4, 3, strides=(1, 2), padding="same", data_format=df),
         (2, 3, 6, 7), cf=True, sym=[(3, None, None)]),
    Case("conv3d", lambda k: k.layers.Conv3D(3, 2, strides=(1, 2, 1)), (2, 4, 5, 4, 2), sym=[(None, None, None, 2)]),
    # -- transposed convolutions
    Case("conv1d_transpose", lambda k: k.layers.Conv1DTranspose(3, 3, strides=2), (2, 5, 2), sym=[(None, 2)]),
    Case("conv1d_transpose_same_op", lambda k: k.layers.Conv1DTranspose(3, 3, strides=2, padding="same",
                                                                        output_padding=1), (2, 5, 2)),
    Case("conv2d_transpose", lambda k: k.layers.Conv2DTranspose(4, 3), (2, 4, 5, 3), sym=[(None, None, 3)]),
    Case("conv2d_transpose_same_s2", lambda k: k.layers.Conv2DTranspose(4, 3, strides=2, padding="same"),
         (2, 4, 5, 3)),
    Case("conv2d_transpose_k4_s2", lambda k: k.layers.Conv2DTranspose(2, 4, strides=2, padding="same",
                                                                      activation="relu"), (2, 3, 4, 3)),
    Case("conv2d_transpose_output_padding", lambda k: k.layers.Conv2DTranspose(3, 3, strides=(2, 3),
                                                                               output_padding=(1, 2)), (2, 3, 4, 2)),
    Case("conv2d_transpose_same_output_padding", lambda k: k.layers.Conv2DTranspose(
        3, 3, strides=2, padding="same", output_padding=(0, 1)), (2, 3, 4, 2)),
    Case("conv2d_transpose_dilated", lambda k: k.layers.Conv2DTranspose(3, 3, dilation_rate=2), (2, 4, 4, 2),
         xla=True),
    Case("conv2d_transpose_cf", lambda k, df=CF: k.layers.Conv2DTranspose(3, 3, strides=2, data_format=df),
         (2, 2, 3, 4), cf=True),
    Case("conv3d_transpose", lambda k: k.layers.Conv3DTranspose(2, 2, strides=(2, 1, 1)), (2, 2, 3, 3, 2)),
    # -- depthwise / separable
    Case("depthwise_conv2d", lambda k: k.layers.DepthwiseConv2D(3), (2, 6, 7, 3), sym=[(None, None, 3)]),
    Case("depthwise_conv2d_mult_same_s2", lambda k: k.layers.DepthwiseConv2D(3, strides=2, padding="same",
                                                                             depth_multiplier=2), (2, 7, 6, 3)),
    Case("depthwise_conv2d_dilated", lambda k: k.layers.DepthwiseConv2D((3, 2), dilation_rate=2,
                                                                        activation="relu"), (2, 7, 6, 2)),
    Case("depthwise_conv2d_stride_and_dilation", lambda k: k.layers.DepthwiseConv2D(
        3, strides=2, dilation_rate=2, padding="same", depth_multiplier=2), (2, 9, 8, 2)),
    Case("depthwise_conv2d_unequal_strides", lambda k: k.layers.DepthwiseConv2D(3, strides=(2, 1), padding="same"),
         (2, 7, 8, 3), xla=True),
    Case("depthwise_conv2d_cf", lambda k, df=CF: k.layers.DepthwiseConv2D(3, depth_multiplier=2, data_format=df),
         (2, 3, 6, 5), cf=True),
    Case("depthwise_conv1d", lambda k: k.layers.DepthwiseConv1D(3, depth_multiplier=3), (2, 8, 2), sym=[(None, 2)]),
    Case("depthwise_conv1d_same_s2", lambda k: k.layers.DepthwiseConv1D(2, strides=2, padding="same"), (2, 7, 3)),
    Case("separable_conv2d", lambda k: k.layers.SeparableConv2D(4, 3), (2, 6, 7, 3), sym=[(None, None, 3)]),
    Case("separable_conv2d_mult_same_s2", lambda k: k.layers.SeparableConv2D(
        5, 3, strides=2, padding="same", depth_multiplier=2, activation="relu"), (2, 7, 6, 3)),
    Case("separable_conv2d_dilated", lambda k: k.layers.SeparableConv2D(3, 2, dilation_rate=2, use_bias=False),
         (2, 6, 6, 2)),
    Case("separable_conv2d_cf", lambda k, df=CF: k.layers.SeparableConv2D(3, 2, strides=2, data_format=df),
         (2, 2, 6, 5), cf=True),
    Case("separable_conv1d", lambda k: k.layers.SeparableConv1D(4, 3, depth_multiplier=2), (2, 8, 3),
         sym=[(None, 3)]),
    # -- pooling
    Case("max_pooling1d", lambda k: k.layers.MaxPooling1D(), (2, 9, 3), sym=[(None, 3)]),
    Case("max_pooling1d_same_s1", lambda k: k.layers.MaxPooling1D(3, strides=1, padding="same"), (2, 7, 3)),
    Case("max_pooling2d", lambda k: k.layers.MaxPooling2D(), (2, 7, 6, 3), sym=[(None, None, 3)]),
    Case("max_pooling2d_3_s2_same", lambda k: k.layers.MaxPooling2D(3, strides=2, padding="same"), (2, 7, 6, 3)),
    Case("max_pooling2d_rect", lambda k: k.layers.MaxPooling2D((2, 3), strides=(1, 2)), (2, 5, 7, 2)),
    Case("max_pooling2d_cf", lambda k, df=CF: k.layers.MaxPooling2D(2, padding="same", data_format=df),
         (2, 3, 5, 6), cf=True),
    Case("max_pooling3d", lambda k: k.layers.MaxPooling3D(), (2, 4, 5, 4, 2), sym=[(None, None, None, 2)]),
    Case("average_pooling1d", lambda k: k.layers.AveragePooling1D(2), (2, 9, 3), sym=[(None, 3)]),
    Case("average_pooling1d_same", lambda k: k.layers.AveragePooling1D(3, strides=2, padding="same"), (2, 8, 3)),
    Case("average_pooling2d", lambda k: k.layers.AveragePooling2D(2), (2, 6, 7, 3), sym=[(None, None, 3)]),
    Case("average_pooling2d_same_s1", lambda k: k.layers.AveragePooling2D(3, strides=1, padding="same"),
         (2, 5, 6, 2)),
    Case("average_pooling2d_rect", lambda k: k.layers.AveragePooling2D((3, 2), strides=(2, 1)), (2, 7, 5, 2)),
    Case("average_pooling3d", lambda k: k.layers.AveragePooling3D(2, padding="same"), (2, 3, 5, 4, 2)),
    Case("global_average_pooling1d", lambda k: k.layers.GlobalAveragePooling1D(), (2, 7, 3), sym=[(None, 3)]),
    Case("global_average_pooling1d_keepdims", lambda k: k.layers.GlobalAveragePooling1D(keepdims=True),
         (2, 7, 3)),
    Case("global_average_pooling2d", lambda k: k.layers.GlobalAveragePooling2D(), (2, 5, 6, 3),
         sym=[(None, None, 3)]),
    Case("global_average_pooling2d_keepdims", lambda k: k.layers.GlobalAveragePooling2D(keepdims=True),
         (2, 5, 6, 3)),
    Case("global_average_pooling2d_cf", lambda k, df=CF: k.layers.GlobalAveragePooling2D(data_format=df),
         (2, 3, 5, 6), cf=True),
    Case("global_average_pooling3d", lambda k: k.layers.GlobalAveragePooling3D(), (2, 3, 4, 5, 2)),
    Case("global_max_pooling1d", lambda k: k.layers.GlobalMaxPooling1D(), (2, 7, 3), sym=[(None, 3)]),
    Case("global_max_pooling2d", lambda k: k.layers.GlobalMaxPooling2D(), (2, 5, 6, 3)),
    Case("global_max_pooling2d_keepdims", lambda k: k.layers.GlobalMaxPooling2D(keepdims=True), (2, 5, 6, 3)),
    Case("global_max_pooling3d_keepdims", lambda k: k.layers.GlobalMaxPooling3D(keepdims=True), (2, 3, 4, 5, 2)),
    # -- normalization
    Case("batch_norm", lambda k: k.layers.BatchNormalization(), (6, 5, 4, 3), sym=[(None, None, 3)]),
    Case("batch_norm_2d", lambda k: k.layers.BatchNormalization(momentum=0.5, epsilon=1e-2), (8, 5)),
    Case("batch_norm_axis1", lambda k: k.layers.BatchNormalization(axis=1), (4, 3, 5, 2)),
    Case("batch_norm_no_center", lambda k: k.layers.BatchNormalization(center=False), (6, 4, 3)),
    Case("batch_norm_no_scale", lambda k: k.layers.BatchNormalization(scale=False), (6, 4, 3)),
    Case("batch_norm_plain", lambda k: k.layers.BatchNormalization(center=False, scale=False), (6, 4)),
    Case("batch_norm_renorm", lambda k: k.layers.BatchNormalization(
        renorm=True, renorm_clipping={"rmax": 1.5, "rmin": 0.7, "dmax": 0.3}, renorm_momentum=0.9), (8, 3)),
    Case("batch_norm_synchronized", lambda k: k.layers.BatchNormalization(synchronized=True), (6, 3)),
    Case("layer_norm", lambda k: k.layers.LayerNormalization(), (3, 4, 5), sym=[(None, 5)]),
    Case("layer_norm_axes", lambda k: k.layers.LayerNormalization(axis=[1, 2]), (3, 4, 5, 2)),
    Case("layer_norm_axis1", lambda k: k.layers.LayerNormalization(axis=1, epsilon=1e-5), (3, 4, 5)),
    Case("layer_norm_rms_scaling", lambda k: k.layers.LayerNormalization(rms_scaling=True), (3, 6)),
    Case("layer_norm_plain", lambda k: k.layers.LayerNormalization(center=False, scale=False), (3, 6)),
    Case("group_norm", lambda k: k.layers.GroupNormalization(groups=2), (3, 4, 5, 6)),
    Case("group_norm_instance", lambda k: k.layers.GroupNormalization(groups=-1, axis=1), (3, 4, 5)),
    Case("unit_norm", lambda k: k.layers.UnitNormalization(), (3, 5)),
    Case("unit_norm_axes", lambda k: k.layers.UnitNormalization(axis=[1, 2]), (3, 4, 5)),
    Case("rms_norm", lambda k: k.layers.RMSNormalization(), (3, 4, 5)),
]
IDS = [c.id for c in CASES]


def _perm(rank: int, to_last: bool) -> tuple:
    return (0,) + tuple(range(2, rank)) + (1,) if to_last else (0, rank - 1) + tuple(range(1, rank - 1))


def _weights(rng, layer) -> list:
    """Random weights (positive where a variance is expected)."""
    out = []
    for w in layer.weights:
        shape = tuple(w.shape)
        if w.name in ("moving_variance", "moving_stddev", "renorm_stddev"):
            out.append(rng.uniform(0.5, 2.0, size=shape).astype("float32"))
        else:
            out.append(rng.normal(scale=0.7, size=shape).astype("float32"))
    return out


def _pair(case: Case, real_keras, rng) -> tuple:
    """Our layer and Keras's (channels_last twin for ``cf`` cases), built, with the same weights."""
    ours = case.make(ek)
    theirs = case.make(real_keras, "channels_last") if case.cf else case.make(real_keras)
    x = rng.normal(size=case.shape).astype("float32")
    ours.build(case.shape)
    theirs.build(tuple(np.transpose(x, _perm(x.ndim, True)).shape) if case.cf else case.shape)
    weights = _weights(rng, ours)
    ours.set_weights(weights)
    theirs.set_weights(weights)
    return ours, theirs, x


def _oracle(case: Case, tfo, theirs, x: np.ndarray, r: np.ndarray, training: bool) -> tuple:
    """Keras's output and gradients (w.r.t. the input, then its trainable weights)."""
    if case.cf:
        x = np.transpose(x, _perm(x.ndim, True))

    def run(xt):
        with tfo.GradientTape() as tape:
            tape.watch(xt)
            y = theirs(xt, training=training)
            yo = tfo.transpose(y, _perm(len(y.shape), False)) if case.cf and len(y.shape) > 2 else y
            loss = tfo.reduce_sum(yo * r)
        return yo, tape.gradient(loss, [xt] + list(theirs.trainable_weights))

    if case.xla:
        run = tfo.function(run, jit_compile=True)
    y, grads = run(tfo.constant(x))
    grads = [np.asarray(g) if g is not None else None for g in grads]
    if case.cf:
        grads[0] = np.transpose(grads[0], _perm(x.ndim, False))
    return np.asarray(y), grads


def _ours(layer, x: np.ndarray, r: np.ndarray, training: bool) -> tuple:
    with tf.GradientTape() as tape:
        xt = tf.constant(x)
        tape.watch(xt)
        y = layer(xt, training=training)
        loss = tf.reduce_sum(y * r)
    grads = tape.gradient(loss, [xt] + list(layer.trainable_weights))
    return y.numpy(), [None if g is None else np.asarray(tf.convert_to_tensor(g)) for g in grads]


# Only BatchNormalization behaves differently in training; the others run once, in training mode.
RUNS = [(c, t) for c in CASES for t in ((False, True) if c.id.startswith("batch_norm") else (True,))]


@pytest.mark.parametrize("case,training", RUNS,
                         ids=[f"{c.id}-{'training' if t else 'inference'}" for c, t in RUNS])
def test_outputs_and_gradients_match_keras(case, training, real_keras, tf_oracle, rng):
    ours, theirs, x = _pair(case, real_keras, rng)
    out_shape = ours.compute_output_shape(case.shape)
    r = rng.normal(size=out_shape).astype("float32")
    y, grads = _ours(ours, x, r, training)
    y_k, grads_k = _oracle(case, tf_oracle, theirs, x, r, training)
    assert y.shape == y_k.shape == tuple(out_shape)
    np.testing.assert_allclose(y, y_k, rtol=case.tol, atol=case.tol)
    assert len(grads) == len(grads_k)
    for i, (g, gk) in enumerate(zip(grads, grads_k)):
        gk = np.zeros_like(g) if gk is None else gk
        scale = max(1.0, float(np.abs(gk).max()))
        np.testing.assert_allclose(g, gk, rtol=1e-4, atol=case.tol * 5 * scale, err_msg=f"gradient {i}")
    for w, wk in zip(ours.weights, theirs.weights):  # moving statistics after a training step
        np.testing.assert_allclose(w.numpy(), np.asarray(wk), rtol=1e-5, atol=1e-6, err_msg=w.name)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_symbolic_output_shapes_match_keras(case, real_keras):
    for shape in [case.shape[1:]] + (case.sym or []):
        got = case.make(ek)(ek.Input(shape))
        if case.cf:  # Keras's shape arithmetic for channels_first needs no CPU kernel
            want = case.make(real_keras, "channels_first")(real_keras.Input(shape))
        else:
            want = case.make(real_keras)(real_keras.Input(shape))
        assert tuple(got.shape) == tuple(want.shape), shape
        assert got.dtype.name == want.dtype


def _json(x: Any) -> Any:
    return json.loads(json.dumps(x))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_matches_keras_and_round_trips(case, real_keras, rng):
    ours = case.make(ek)
    theirs = case.make(real_keras, "channels_first") if case.cf else case.make(real_keras)
    ours.build(case.shape)
    theirs.build(case.shape)
    cfg, kcfg = ours.get_config(), theirs.get_config()
    assert cfg == kcfg
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    assert ours.count_params() == theirs.count_params()
    x = rng.normal(size=case.shape).astype("float32")
    ours.set_weights(_weights(rng, ours))
    for source in (cfg, _json(cfg), kcfg):
        again = type(ours).from_config(dict(source))
        assert _json(again.get_config()) == _json(cfg)
        again.build(case.shape)
        again.set_weights(ours.get_weights())
        np.testing.assert_allclose(again(x).numpy(), ours(x).numpy(), rtol=1e-6)
    back = type(theirs).from_config(dict(cfg))
    assert _json(back.get_config()) == _json(kcfg)


def test_layer_norm_rms_scaling_warns_like_keras(real_keras):
    for k in (real_keras, ek):
        with pytest.warns(UserWarning, match="rms_scaling=True"):
            k.layers.LayerNormalization(rms_scaling=True)


def test_aliases_resolve_like_keras(real_keras):
    for alias in ("Convolution1D", "Convolution2D", "Convolution3D", "Convolution2DTranspose",
                  "SeparableConvolution2D", "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D",
                  "AvgPool3D", "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalMaxPool1D", "GlobalMaxPool2D"):
        assert getattr(ek.layers, alias).__name__ == getattr(real_keras.layers, alias).__name__, alias


# ---------------------------------------------------------------------------
# BatchNormalization specifics
def _bn_pair(real_keras, rng, shape, **kw):
    ours, theirs = ek.layers.BatchNormalization(**kw), real_keras.layers.BatchNormalization(**kw)
    ours.build(shape)
    theirs.build(shape)
    w = _weights(rng, ours)
    ours.set_weights(w)
    theirs.set_weights(w)
    return ours, theirs


@pytest.mark.parametrize("kw", [{}, {"momentum": 0.9}, {"axis": 1, "momentum": 0.5}, {"center": False},
                                {"renorm": True, "momentum": 0.8}],
                         ids=["default", "momentum_0.9", "axis1", "no_center", "renorm"])
def test_batch_norm_moving_statistics_over_three_steps(kw, real_keras, rng):
    shape = (5, 4, 3)
    ours, theirs = _bn_pair(real_keras, rng, shape, **kw)
    for step in range(3):
        x = (rng.normal(size=shape) * (step + 1) + step).astype("float32")
        np.testing.assert_allclose(ours(x, training=True).numpy(), np.asarray(theirs(x, training=True)),
                                   rtol=1e-5, atol=1e-5)
        for w, wk in zip(ours.weights, theirs.weights):
            np.testing.assert_allclose(w.numpy(), np.asarray(wk), rtol=1e-6, atol=1e-6,
                                       err_msg=f"step {step}: {w.name}")
    x = rng.normal(size=shape).astype("float32")
    np.testing.assert_allclose(ours(x).numpy(), np.asarray(theirs(x)), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours(x, training=False).numpy(), np.asarray(theirs(x, training=False)),
                               rtol=1e-5, atol=1e-5)


def test_batch_norm_frozen_runs_in_inference_mode(real_keras, rng):
    ours, theirs = _bn_pair(real_keras, rng, (6, 3))
    ours.trainable = False
    theirs.trainable = False
    before = ours.get_weights()
    x = rng.normal(size=(6, 3)).astype("float32")
    np.testing.assert_allclose(ours(x, training=True).numpy(), np.asarray(theirs(x, training=True)),
                               rtol=1e-6, atol=1e-6)
    for a, b in zip(before, ours.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert ours.trainable_weights == [] and len(ours.non_trainable_weights) == 4
    assert len(theirs.non_trainable_weights) == 4


def test_batch_norm_with_mask_matches_keras(real_keras, tf_oracle, rng):
    ours, theirs = _bn_pair(real_keras, rng, (4, 6, 3))
    x = rng.normal(size=(4, 6, 3)).astype("float32")
    mask = rng.uniform(size=(4, 6)) > 0.3
    r = rng.normal(size=x.shape).astype("float32")
    with tf.GradientTape() as tape:
        xt = tf.constant(x)
        tape.watch(xt)
        y = ours(xt, training=True, mask=tf.constant(mask))
        g = tape.gradient(tf.reduce_sum(y * r), [xt] + ours.trainable_weights)
    with tf_oracle.GradientTape() as tape:
        xk = tf_oracle.constant(x)
        tape.watch(xk)
        yk = theirs(xk, training=True, mask=tf_oracle.constant(mask))
        gk = tape.gradient(tf_oracle.reduce_sum(yk * r), [xk] + theirs.trainable_weights)
    np.testing.assert_allclose(y.numpy(), np.asarray(yk), rtol=1e-5, atol=1e-5)
    for a, b in zip(g, gk):
        np.testing.assert_allclose(a.numpy(), np.asarray(b), rtol=1e-4, atol=1e-4)
    for w, wk in zip(ours.weights, theirs.weights):
        np.testing.assert_allclose(w.numpy(), np.asarray(wk), rtol=1e-5, atol=1e-6)


def test_batch_norm_training_is_one_fused_op(rng):
    layer = ek.layers.BatchNormalization()
    x = tf.constant(rng.normal(size=(8, 5, 5, 4)).astype("float32"))
    layer.build(x.shape)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
    names = [rec[0].name for rec in tape._records]
    assert names.count("KerasBatchNormTrain") == 1
    assert not {"Mean", "SquaredDifference", "Rsqrt"} & set(names), names  # no composed normalisation
    grads = tape.gradient(y, [x, layer.gamma, layer.beta])
    assert all(g is not None for g in grads)


def test_batch_norm_second_order_gradients_match_tf(real_keras, tf_oracle, rng):
    ours, theirs = _bn_pair(real_keras, rng, (6, 4))
    x = rng.normal(size=(6, 4)).astype("float32")
    r = rng.normal(size=x.shape).astype("float32")
    xt = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(xt)
        with tf.GradientTape() as inner:
            inner.watch(xt)
            loss = tf.reduce_sum(ours(xt, training=True) ** 2 * r)
        gx, gg = inner.gradient(loss, [xt, ours.gamma])
        penalty = tf.reduce_sum(gx * gx) + tf.reduce_sum(gg * gg)
    h = outer.gradient(penalty, [xt, ours.gamma, ours.beta])
    xk = tf_oracle.constant(x)
    with tf_oracle.GradientTape() as outer:
        outer.watch(xk)
        with tf_oracle.GradientTape() as inner:
            inner.watch(xk)
            loss = tf_oracle.reduce_sum(theirs(xk, training=True) ** 2 * r)
        gxk, ggk = inner.gradient(loss, [xk, theirs.gamma])
        penalty = tf_oracle.reduce_sum(gxk * gxk) + tf_oracle.reduce_sum(ggk * ggk)
    hk = outer.gradient(penalty, [xk, theirs.gamma, theirs.beta])
    np.testing.assert_allclose(gx.numpy(), np.asarray(gxk), rtol=1e-4, atol=1e-5)
    for a, b in zip(h, hk):
        b = np.asarray(b)
        np.testing.assert_allclose(a.numpy(), b, rtol=1e-3, atol=1e-4 * max(1.0, float(np.abs(b).max())))


def test_batch_norm_statistics_outputs_are_differentiable(tf_oracle, rng):
    """Gradients through the fused op's mean/variance outputs equal tf.nn.moments'."""
    from engine.keras.layers.normalization.batch_normalization import fused_batch_norm_train
    x = rng.normal(size=(7, 3)).astype("float32")
    gamma, beta = np.ones(3, "float32"), np.zeros(3, "float32")
    a, b = rng.normal(size=3).astype("float32"), rng.normal(size=3).astype("float32")
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        _, mean, var = fused_batch_norm_train(xt, gamma, beta, 1, 1e-3)
        loss = tf.reduce_sum(mean * a) + tf.reduce_sum(var * b)
    xk = tf_oracle.constant(x)
    with tf_oracle.GradientTape() as ktape:
        ktape.watch(xk)
        mk, vk = tf_oracle.nn.moments(xk, [0])
        lk = tf_oracle.reduce_sum(mk * a) + tf_oracle.reduce_sum(vk * b)
    np.testing.assert_allclose(tape.gradient(loss, xt).numpy(), np.asarray(ktape.gradient(lk, xk)),
                               rtol=1e-5, atol=1e-6)


def test_batch_norm_traced_step_matches_eager(rng):
    x = rng.normal(size=(6, 3)).astype("float32")
    layers = [ek.layers.BatchNormalization(momentum=0.7) for _ in range(2)]
    for layer in layers:
        layer.build(x.shape)

    def step(layer, xt):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(xt, training=True) * x)
        return tape.gradient(loss, [layer.gamma, layer.beta])

    traced = tf.function(lambda xt: step(layers[1], xt))
    for i in range(3):
        g_eager = step(layers[0], tf.constant(x + i))
        g_traced = traced(tf.constant(x + i))
        for a, b in zip(g_eager, g_traced):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-6)
    for a, b in zip(layers[0].weights, layers[1].weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------------------
# masks
def test_global_average_pooling1d_mask_matches_keras(real_keras, rng):
    x = rng.normal(size=(3, 6, 4)).astype("float32")
    mask = np.array([[1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1], [0, 1, 0, 1, 0, 1]], bool)
    for keepdims in (False, True):
        got = ek.layers.GlobalAveragePooling1D(keepdims=keepdims)(x, mask=mask)
        want = real_keras.layers.GlobalAveragePooling1D(keepdims=keepdims)(x, mask=mask)
        np.testing.assert_allclose(got.numpy(), np.asarray(want), rtol=1e-6, atol=1e-6)
        assert getattr(got, "_keras_mask", None) is None
    ids = np.array([[3, 1, 0, 0], [2, 2, 2, 0]], "int32")  # a mask from Embedding(mask_zero=True)
    outs = []
    for k in (ek, real_keras):
        inp = k.Input((4,), dtype="int32")
        emb = k.layers.Embedding(5, 3, mask_zero=True)
        out = k.layers.GlobalAveragePooling1D()(emb(inp))
        model = k.Model(inp, out)
        emb.set_weights([np.arange(15, dtype="float32").reshape(5, 3)])
        outs.append(np.asarray(model(ids)))
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-6)


# ---------------------------------------------------------------------------
# errors
ERRORS = [
    ("conv_kernel_too_big", lambda k: k.layers.Conv2D(2, 7), (1, 5, 5, 3), "Computed output size would be zero"),
    ("conv1d_kernel_too_big", lambda k: k.layers.Conv1D(2, 4, dilation_rate=2), (1, 5, 3),
     "Computed output size would be zero"),
    ("pool_too_big", lambda k: k.layers.MaxPooling2D(7), (1, 5, 5, 3), "Computed output size would be zero"),
    ("depthwise_too_big", lambda k: k.layers.DepthwiseConv2D(6), (1, 5, 5, 3), "Computed output size"),
    ("groups_channels", lambda k: k.layers.Conv2D(4, 3, groups=2), (1, 5, 5, 3), "evenly divisible"),
    ("group_norm_groups", lambda k: k.layers.GroupNormalization(groups=4), (2, 3, 6), "multiple"),
    ("batch_norm_axis", lambda k: k.layers.BatchNormalization(axis=3), (2, 3, 4), "out of bounds"),
]


@pytest.mark.parametrize("make,shape,phrase", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_build_errors_name_the_layer(make, shape, phrase, real_keras):
    with pytest.raises((ValueError, IndexError)):  # Keras rejects the same configuration
        make(real_keras)(real_keras.Input(shape[1:]))
    layer = make(ek)
    with pytest.raises(ValueError, match=phrase) as info:
        layer(np.zeros(shape, "float32"))
    assert layer.name in str(info.value)
    layer = make(ek)
    with pytest.raises(ValueError, match=phrase) as info:
        layer(ek.Input(shape[1:]))
    assert layer.name in str(info.value)


CTOR_ERRORS = [
    (lambda k: k.layers.Conv2D(0, 3), "filters"),
    (lambda k: k.layers.Conv2D(4, 3, groups=3), "divisible"),
    (lambda k: k.layers.Conv2D(4, 3, strides=2, dilation_rate=2), "dilation_rate"),
    (lambda k: k.layers.Conv2D(4, (3, 3, 3)), "kernel_size"),
    (lambda k: k.layers.Conv2D(4, 3, padding="causal"), "padding"),
    (lambda k: k.layers.Conv1D(4, 0), "kernel_size"),
    (lambda k: k.layers.Conv2DTranspose(4, 3, strides=2, output_padding=2), "output_padding"),
    (lambda k: k.layers.DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
    (lambda k: k.layers.SeparableConv2D(0, 3), "filters"),
    (lambda k: k.layers.MaxPooling2D((2, 2, 2)), "pool_size"),
    (lambda k: k.layers.GroupNormalization(groups=0), "groups"),
    (lambda k: k.layers.BatchNormalization(renorm=True, renorm_clipping={"bad": 1}), "renorm_clipping"),
]


@pytest.mark.parametrize("make,phrase", CTOR_ERRORS, ids=[f"ctor{i}" for i in range(len(CTOR_ERRORS))])
def test_constructor_errors_like_keras(make, phrase, real_keras):
    with pytest.raises(ValueError, match=phrase) as want:
        make(real_keras)
    with pytest.raises(ValueError, match=phrase) as got:
        make(ek)
    assert type(got.value) is type(want.value)


def test_input_rank_errors_name_the_layer():
    layer = ek.layers.Conv2D(2, 3)
    with pytest.raises(ValueError, match=f'"{layer.name}".*min_ndim=4'):
        layer(np.zeros((2, 5, 3), "float32"))
    pool = ek.layers.MaxPooling1D()
    with pytest.raises(ValueError, match=f'"{pool.name}".*ndim=3'):
        pool(ek.Input((4, 4, 2)))
    conv = ek.layers.Conv2D(2, 3)
    conv(np.zeros((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        conv(np.zeros((1, 5, 5, 2), "float32"))


# ---------------------------------------------------------------------------
# a small CNN trained with fit
def _cnn(k):
    return k.Sequential([k.Input((8, 8, 1)), k.layers.Conv2D(4, 3, activation="relu"),
                         k.layers.BatchNormalization(), k.layers.MaxPooling2D(), k.layers.Flatten(),
                         k.layers.Dense(3, activation="softmax")])


@pytest.mark.parametrize("run_eagerly", [False, True], ids=["traced", "eager"])
def test_small_cnn_fit_matches_keras(run_eagerly, real_keras, rng):
    x = rng.normal(size=(48, 8, 8, 1)).astype("float32")
    y = (x[:, :4].mean(axis=(1, 2, 3)) > 0).astype("int32") + (x[:, 4:].mean(axis=(1, 2, 3)) > 0.1)
    ours, theirs = _cnn(ek), _cnn(real_keras)
    theirs.set_weights(ours.get_weights())
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    for model, k in ((ours, ek), (theirs, real_keras)):
        model.compile(optimizer=k.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"], **({"run_eagerly": run_eagerly} if model is ours else {}))
    kw = dict(epochs=2, batch_size=16, shuffle=False, verbose=0, validation_split=0.25)
    h1, h2 = ours.fit(x, y, **kw), theirs.fit(x, y, **kw)
    assert sorted(h1.history) == sorted(h2.history)
    for key in h2.history:
        np.testing.assert_allclose(h1.history[key], h2.history[key], rtol=1e-4, atol=1e-5, err_msg=key)
    for w, wk in zip(ours.weights, theirs.weights):
        np.testing.assert_allclose(w.numpy(), np.asarray(wk), rtol=1e-4, atol=1e-5, err_msg=w.path)
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-4, atol=1e-5)


def _zoo(k):
    inp = k.Input((8, 8, 2))
    x = k.layers.Conv2D(4, 3, padding="same", activation="relu")(inp)
    x = k.layers.BatchNormalization()(x)
    x = k.layers.DepthwiseConv2D(3, depth_multiplier=2)(x)
    x = k.layers.SeparableConv2D(3, 2, strides=2)(x)
    x = k.layers.Conv2DTranspose(2, 2, strides=2, output_padding=1)(x)
    x = k.layers.LayerNormalization(axis=[1, 2])(x)
    x = k.layers.AveragePooling2D(2, padding="same")(x)
    x = k.layers.GroupNormalization(groups=2)(x)
    x = k.layers.GlobalMaxPooling2D()(x)
    return k.Model(inp, k.layers.Dense(2)(x))


def test_keras_files_round_trip_with_real_keras(real_keras, rng, tmp_path):
    ours = _zoo(ek)
    ours.set_weights(_weights(rng, ours))
    x = rng.normal(size=(3, 8, 8, 2)).astype("float32")
    ours.save(tmp_path / "ours.keras")
    theirs = real_keras.models.load_model(tmp_path / "ours.keras")
    np.testing.assert_allclose(np.asarray(theirs(x)), ours(x).numpy(), rtol=1e-5, atol=1e-5)
    theirs.save(tmp_path / "theirs.keras")
    again = ek.models.load_model(tmp_path / "theirs.keras")
    np.testing.assert_allclose(again(x).numpy(), ours(x).numpy(), rtol=1e-6, atol=1e-6)
