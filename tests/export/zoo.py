"""A zoo of models covering the exportable layers, shared by the export tests.

Every builder takes the ``keras`` module (``engine.keras`` or the real Keras 3)
and returns a built model, so the same architecture can be made in both
libraries.  Only layers that exist in the engine appear here (nothing is
skipped).  :func:`randomize` gives the weights non-trivial values (non-zero
biases, BatchNormalization statistics away from 0/1) so parity checks mean
something.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any, Callable

import numpy as np


def mlp(keras: ModuleType) -> Any:
    """Sequential MLP: Dense, Dropout, Activation, BatchNormalization."""
    L = keras.layers
    return keras.Sequential([
        keras.Input((8,), name="features"),
        L.Dense(16, activation="relu", name="hidden"),
        L.BatchNormalization(name="bn"),
        L.Dropout(0.25, name="drop"),
        L.Dense(8, activation="tanh", use_bias=False, name="hidden2"),
        L.Dense(3, name="logits"),
        L.Activation("softmax", name="probs"),
    ], name="mlp")


def multi_io(keras: ModuleType) -> Any:
    """Functional, two inputs and two outputs, a shared layer called twice, a frozen layer."""
    L = keras.layers
    a = keras.Input((6,), name="in_a")
    b = keras.Input((4,), name="in_b")
    shared = L.Dense(5, activation="elu", name="shared")
    ha = shared(L.Dense(6, name="proj_a")(a))
    frozen = L.Dense(6, name="proj_b")
    frozen.trainable = False
    hb = shared(frozen(b))
    h = L.Concatenate(name="concat")([ha, hb])
    out1 = L.Dense(2, activation="sigmoid", name="head1")(h)
    out2 = L.Dense(1, name="head2")(L.Subtract(name="diff")([ha, hb]))
    return keras.Model([a, b], [out1, out2], name="multi_io")


def residual(keras: ModuleType) -> Any:
    """Residual merges: Add, Multiply, Average, Maximum, Minimum, Concatenate, Dot."""
    L = keras.layers
    x = keras.Input((8,), name="x")
    h = L.Dense(8, activation="relu", name="block1")(x)
    r = L.Add(name="res_add")([x, h])
    m = L.Multiply(name="gate")([r, L.Dense(8, activation="sigmoid", name="gate_proj")(x)])
    avg = L.Average(name="avg")([r, m])
    mx = L.Maximum(name="max")([avg, x])
    mn = L.Minimum(name="min")([avg, x])
    cat = L.Concatenate(axis=-1, name="cat")([mx, mn])
    dot = L.Dot(axes=1, normalize=True, name="cos")([mx, mn])
    out = L.Concatenate(name="out")([L.Dense(4, name="head")(cat), dot])
    return keras.Model(x, out, name="residual")


def cnn(keras: ModuleType) -> Any:
    """2-D convolutions, pooling, padding, upsampling, cropping and normalization."""
    L = keras.layers
    return keras.Sequential([
        keras.Input((12, 12, 3), name="image"),
        L.Conv2D(4, 3, padding="same", activation="relu", name="conv"),
        L.BatchNormalization(name="conv_bn"),
        L.ZeroPadding2D(((1, 0), (0, 1)), name="pad"),
        L.DepthwiseConv2D(3, depth_multiplier=2, name="depthwise"),
        L.SeparableConv2D(6, (3, 3), padding="same", name="separable"),
        L.Conv2DTranspose(5, 3, strides=2, padding="same", name="deconv"),
        L.Cropping2D(((1, 1), (2, 0)), name="crop"),
        L.MaxPooling2D(2, name="maxpool"),
        L.UpSampling2D((2, 1), name="up"),
        L.AveragePooling2D(pool_size=(2, 2), strides=(1, 1), padding="same", name="avgpool"),
        L.LayerNormalization(name="ln"),
        L.SpatialDropout2D(0.1, name="sdrop"),
        L.Conv2D(3, 1, name="pointwise"),
        L.GroupNormalization(groups=3, name="gn"),
        L.Flatten(name="flatten"),
        L.Dense(4, name="dense"),
    ], name="cnn")


def cnn_pool_heads(keras: ModuleType) -> Any:
    """Functional CNN with the global pooling variants as separate heads."""
    L = keras.layers
    x = keras.Input((8, 8, 2), name="img")
    h = L.Conv2D(4, (3, 3), strides=(1, 1), dilation_rate=2, padding="same", use_bias=False, name="c1")(x)
    g1 = L.GlobalAveragePooling2D(name="gap")(h)
    g2 = L.GlobalMaxPooling2D(name="gmp")(h)
    g3 = L.GlobalAveragePooling2D(keepdims=True, name="gap_keep")(h)
    return keras.Model(x, [L.Add(name="sum")([g1, g2]), g3], name="pool_heads")


def conv1d(keras: ModuleType) -> Any:
    """1-D convolutions, pooling, padding, upsampling and cropping."""
    L = keras.layers
    return keras.Sequential([
        keras.Input((16, 3), name="signal"),
        L.Conv1D(4, 3, padding="causal", activation="relu", name="c1d"),
        L.ZeroPadding1D(1, name="pad1d"),
        L.DepthwiseConv1D(3, name="dw1d"),
        L.SeparableConv1D(5, 3, padding="same", name="sep1d"),
        L.Conv1DTranspose(4, 3, strides=2, name="deconv1d"),
        L.Cropping1D((1, 2), name="crop1d"),
        L.MaxPooling1D(2, name="mp1d"),
        L.UpSampling1D(2, name="up1d"),
        L.AveragePooling1D(2, padding="same", name="ap1d"),
        L.SpatialDropout1D(0.2, name="sdrop1d"),
        L.GlobalAveragePooling1D(keepdims=True, name="gap1d"),
        L.GlobalMaxPooling1D(name="gmp1d"),
    ], name="conv1d")


def conv3d(keras: ModuleType) -> Any:
    """3-D convolutions and pooling."""
    L = keras.layers
    x = keras.Input((6, 6, 6, 2), name="volume")
    h = L.Conv3D(3, 3, padding="same", activation="relu", name="c3d")(x)
    h = L.Conv3DTranspose(2, 2, strides=2, name="deconv3d")(h)
    h = L.MaxPooling3D(2, name="mp3d")(h)
    h = L.AveragePooling3D(2, name="ap3d")(h)
    a = L.GlobalAveragePooling3D(name="gap3d")(h)
    b = L.GlobalMaxPooling3D(name="gmp3d")(h)
    return keras.Model(x, [a, b], name="conv3d")


def rnn(keras: ModuleType) -> Any:
    """Embedding (mask_zero) + LSTM, GRU, Bidirectional, TimeDistributed; a CategoryEncoding branch."""
    L = keras.layers
    tokens = keras.Input((7,), dtype="int32", name="tokens")
    e = L.Embedding(20, 6, mask_zero=True, name="embed")(tokens)
    s = L.LSTM(5, return_sequences=True, name="lstm")(e)
    s = L.GRU(4, return_sequences=True, name="gru")(s)
    s = L.Bidirectional(L.SimpleRNN(3, return_sequences=True, name="srnn"), name="bidi")(s)
    s = L.TimeDistributed(L.Dense(4, activation="relu", name="td_dense"), name="td")(s)
    last = L.LSTM(3, go_backwards=True, name="lstm_back")(s)
    bag = L.Dense(3, name="bag_dense")(L.CategoryEncoding(num_tokens=20, output_mode="count", name="bag")(tokens))
    h = L.Concatenate(name="join")([last, bag])
    return keras.Model(tokens, L.Dense(2, name="cls")(h), name="rnn")


def rnn_cells(keras: ModuleType) -> Any:
    """Masking, the generic RNN over stacked cells, GRU without reset_after, Bidirectional merges."""
    L = keras.layers
    x = keras.Input((5, 3), name="seq")
    m = L.Masking(mask_value=0.0, name="masking")(x)
    h = L.RNN([L.LSTMCell(4, name="cell_lstm"), L.GRUCell(3, reset_after=False, name="cell_gru"),
               L.SimpleRNNCell(2, name="cell_simple")], return_sequences=True, name="stacked")(m)
    h = L.Bidirectional(L.GRU(2, return_sequences=True, reset_after=False, name="gru_v1"),
                        merge_mode="sum", name="bidi_sum")(h)
    h = L.Bidirectional(L.LSTM(2, name="bl"), merge_mode="ave", name="bidi_ave")(h)
    return keras.Model(x, h, name="rnn_cells")


def activations(keras: ModuleType) -> Any:
    """Activation layers, reshaping, preprocessing and the inference-time identities."""
    L = keras.layers
    return keras.Sequential([
        keras.Input((12,), name="v"),
        L.Rescaling(0.5, offset=0.1, name="rescale"),
        L.Normalization(mean=[0.1] * 12, variance=[2.0] * 12, name="norm"),
        L.Dense(12, name="d"),
        L.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.05, name="relu"),
        L.LeakyReLU(negative_slope=0.2, name="leaky"),
        L.PReLU(name="prelu"),
        L.ELU(alpha=0.7, name="elu"),
        L.GaussianNoise(0.3, name="noise"),
        L.GaussianDropout(0.2, name="gdrop"),
        L.AlphaDropout(0.1, name="adrop"),
        L.ActivityRegularization(l1=0.01, name="actreg"),
        L.Identity(name="ident"),
        L.Reshape((3, 4), name="reshape"),
        L.Permute((2, 1), name="permute"),
        L.Softmax(axis=1, name="softmax"),
        L.UnitNormalization(name="unitnorm"),
        L.RMSNormalization(name="rmsnorm"),
        L.Flatten(name="flat"),
        L.RepeatVector(2, name="repeat"),
        L.Flatten(name="flat2"),
        L.Activation("gelu", name="gelu"),
        L.Dense(3, activation="softplus", kernel_initializer="he_normal", name="out"),
    ], name="activations")


def nested(keras: ModuleType) -> Any:
    """A Sequential and a Functional model used as layers inside a Functional model."""
    L = keras.layers
    inner_seq = keras.Sequential([keras.Input((4,), name="inner_in"), L.Dense(6, activation="relu", name="inner_d1"),
                                  L.Dense(3, name="inner_d2")], name="inner_seq")
    fi = keras.Input((3,), name="f_in")
    inner_fn = keras.Model(fi, L.Dense(2, name="f_d")(fi), name="inner_fn")
    x = keras.Input((4,), name="x")
    h = inner_seq(x)
    return keras.Model(x, [inner_fn(h), L.Dense(1, name="head")(h)], name="nested")


ZOO: dict[str, Callable[[ModuleType], Any]] = {
    "mlp": mlp, "multi_io": multi_io, "residual": residual, "cnn": cnn, "cnn_pool_heads": cnn_pool_heads,
    "conv1d": conv1d, "conv3d": conv3d, "rnn": rnn, "rnn_cells": rnn_cells, "activations": activations, "nested": nested,
}


def randomize(model: Any, seed: int = 0) -> Any:
    """Give every float weight seeded values (kernels ~ N(0, 1/fan_in), variances positive); returns the model."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        shape = tuple(w.shape)
        dtype = np.dtype(w.dtype.as_numpy_dtype) if hasattr(w.dtype, "as_numpy_dtype") else np.dtype(str(w.dtype))
        if not np.issubdtype(dtype, np.floating):
            continue
        name = getattr(w, "path", None) or w.name
        if "variance" in name:
            value = rng.uniform(0.5, 1.5, size=shape)
        elif len(shape) >= 2:  # kernels: scaled by fan-in so activations stay O(1) in float32
            value = rng.standard_normal(shape) / np.sqrt(max(1, int(np.prod(shape[:-1]))))
        else:
            value = rng.standard_normal(shape) * 0.4
        w.assign(value.astype(dtype))
    return model


def build(name: str, keras: ModuleType, seed: int = 0) -> Any:
    """``ZOO[name](keras)`` with randomized weights."""
    return randomize(ZOO[name](keras), seed)
