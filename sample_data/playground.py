"""The TensorFlow Playground 2-D datasets as seeded numpy generators.

Each generator mirrors the formula of the same-named function in TensorFlow
Playground's ``src/dataset.ts`` (https://github.com/tensorflow/playground,
Apache-2.0); only the random source differs (a seeded
``numpy.random.Generator`` instead of ``Math.random``), so a given ``seed``
always yields the same points.

``noise`` is Playground's noise slider as a fraction: the UI's 0–50 % is
``0.0``–``0.5`` here. Like Playground, the returned points are shuffled (pass
``shuffle=False`` to keep generation order: all of one class, then the other).

Classification sets (``circle``, ``xor``, ``gaussian``, ``spiral``) return
``x`` float32 of shape ``(n, 2)`` and ``y`` int32 of shape ``(n,)`` with
Playground's label ``+1`` as ``1`` and ``-1`` as ``0``. Regression sets
(``reg_plane``, ``reg_gauss``) return ``y`` float32 of shape ``(n,)``:
``reg_gauss`` in ``[-1, 1]``; ``reg_plane`` is Playground's unclamped
``(x1 + x2) / 10``, within ``[-1.2, 1.2]`` at noise 0.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

__all__ = [
    "CLASSIFICATION",
    "REGRESSION",
    "GENERATORS",
    "DEFAULT_SAMPLES",
    "MAX_NOISE",
    "circle",
    "xor",
    "gaussian",
    "spiral",
    "reg_plane",
    "reg_gauss",
]

#: Playground's sample counts (NUM_SAMPLES_CLASSIFY / NUM_SAMPLES_REGRESS).
DEFAULT_SAMPLES = {"classification": 500, "regression": 1200}
#: Playground's noise slider goes up to 50 %.
MAX_NOISE = 0.5
#: Upper bound on ``num_samples`` (the studio passes user input straight here).
MAX_SAMPLES = 1_000_000

def make_rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy Generator from a non-negative int seed, a Generator (used as is) or None."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"seed must be a non-negative integer, a numpy Generator or None, got {seed!r}")
    return np.random.default_rng(seed)


def check_size_and_noise(num_samples: int, noise: float, max_samples: int = MAX_SAMPLES) -> tuple[int, float]:
    """Validated ``(num_samples, noise)`` for a generator; ``ValueError`` naming the option."""
    if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)):
        raise ValueError(f"num_samples must be an integer, got {num_samples!r}")
    if not 2 <= num_samples <= max_samples:
        raise ValueError(f"num_samples must be between 2 and {max_samples}, got {num_samples}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.integer, np.floating)):
        raise ValueError(f"noise must be a number, got {noise!r}")
    noise = float(noise)
    if not 0.0 <= noise <= MAX_NOISE:  # also rejects NaN
        raise ValueError(f"noise must be between 0 and {MAX_NOISE} (0-50 %), got {noise}")
    return int(num_samples), noise


def _uniform(rng: np.random.Generator, a: float, b: float, n: int) -> np.ndarray:
    """Playground's ``randUniform(a, b)``, n times."""
    return rng.random(n) * (b - a) + a


def _halves(num_samples: int) -> tuple[int, int]:
    """Points per class for the two-class generators: exactly ``num_samples`` in all."""
    first = (num_samples + 1) // 2
    return first, num_samples - first


def _finish(
    x: np.ndarray, y: np.ndarray, rng: np.random.Generator, shuffle: bool, classification: bool
) -> tuple[np.ndarray, np.ndarray]:
    x = np.ascontiguousarray(x, dtype=np.float32)
    y = np.ascontiguousarray(y, dtype=np.int32 if classification else np.float32)
    if shuffle:
        order = rng.permutation(len(x))
        x, y = x[order], y[order]
    return x, y


def circle(
    num_samples: int = 500, noise: float = 0.0, seed: int | np.random.Generator | None = 0, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """``classifyCircleData``: a disc of radius 2.5 (label 1) inside a ring 3.5–5 (label 0).

    The label is taken at the noise-shifted position, the point is drawn at
    the clean one (as Playground does), so noise flips labels near the edge.
    """
    num_samples, noise = check_size_and_noise(num_samples, noise)
    rng = make_rng(seed)
    radius = 5.0
    parts = []
    for n, (r_lo, r_hi) in zip(_halves(num_samples), ((0.0, radius * 0.5), (radius * 0.7, radius))):
        r = _uniform(rng, r_lo, r_hi, n)
        angle = _uniform(rng, 0.0, 2 * math.pi, n)
        px, py = r * np.sin(angle), r * np.cos(angle)
        nx = _uniform(rng, -radius, radius, n) * noise
        ny = _uniform(rng, -radius, radius, n) * noise
        label = (np.hypot(px + nx, py + ny) < radius * 0.5).astype(np.int32)
        parts.append((np.stack([px, py], axis=1), label))
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    return _finish(x, y, rng, shuffle, True)


def xor(
    num_samples: int = 500, noise: float = 0.0, seed: int | np.random.Generator | None = 0, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """``classifyXORData``: label 1 where ``x * y >= 0`` (quadrants I and III), 0 elsewhere.

    Points are uniform in [-5, 5]² pushed 0.3 away from both axes.
    """
    num_samples, noise = check_size_and_noise(num_samples, noise)
    rng = make_rng(seed)
    padding = 0.3
    px = _uniform(rng, -5, 5, num_samples)
    px = px + np.where(px > 0, padding, -padding)
    py = _uniform(rng, -5, 5, num_samples)
    py = py + np.where(py > 0, padding, -padding)
    nx = _uniform(rng, -5, 5, num_samples) * noise
    ny = _uniform(rng, -5, 5, num_samples) * noise
    label = ((px + nx) * (py + ny) >= 0).astype(np.int32)
    return _finish(np.stack([px, py], axis=1), label, rng, shuffle, True)


def gaussian(
    num_samples: int = 500, noise: float = 0.0, seed: int | np.random.Generator | None = 0, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """``classifyTwoGaussData``: two Gaussians at (2, 2) (label 1) and (-2, -2) (label 0).

    The variance grows linearly with the noise, 0.5 at noise 0 to 4 at 0.5.
    """
    num_samples, noise = check_size_and_noise(num_samples, noise)
    rng = make_rng(seed)
    variance = 0.5 + noise / 0.5 * (4.0 - 0.5)
    std = math.sqrt(variance)
    n_pos, n_neg = _halves(num_samples)
    pos = rng.normal(2.0, std, size=(n_pos, 2))
    neg = rng.normal(-2.0, std, size=(n_neg, 2))
    y = np.concatenate([np.ones(n_pos, np.int32), np.zeros(n_neg, np.int32)])
    return _finish(np.concatenate([pos, neg]), y, rng, shuffle, True)


def spiral(
    num_samples: int = 500, noise: float = 0.0, seed: int | np.random.Generator | None = 0, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """``classifySpiralData``: two interleaved spirals of 1.75 turns out to radius 5.

    Label 1 starts at angle 0, label 0 at angle pi; noise adds uniform
    [-noise, noise] jitter to each coordinate.
    """
    num_samples, noise = check_size_and_noise(num_samples, noise)
    rng = make_rng(seed)
    half = num_samples / 2
    parts = []
    for n, (delta_t, label) in zip(_halves(num_samples), ((0.0, 1), (math.pi, 0))):
        i = np.arange(n, dtype=np.float64)
        r = i / half * 5
        t = 1.75 * i / half * 2 * math.pi + delta_t
        px = r * np.sin(t) + _uniform(rng, -1, 1, n) * noise
        py = r * np.cos(t) + _uniform(rng, -1, 1, n) * noise
        parts.append((np.stack([px, py], axis=1), np.full(n, label, np.int32)))
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    return _finish(x, y, rng, shuffle, True)


def reg_plane(
    num_samples: int = 1200, noise: float = 0.0, seed: int | np.random.Generator | None = 0, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """``regressPlane``: target ``(x + y) / 10`` over [-6, 6]², noise added to the inputs of the target."""
    num_samples, noise = check_size_and_noise(num_samples, noise)
    rng = make_rng(seed)
    radius = 6.0
    px = _uniform(rng, -radius, radius, num_samples)
    py = _uniform(rng, -radius, radius, num_samples)
    nx = _uniform(rng, -radius, radius, num_samples) * noise
    ny = _uniform(rng, -radius, radius, num_samples) * noise
    # d3.scale.linear().domain([-10, 10]).range([-1, 1]), not clamped.
    label = ((px + nx) + (py + ny)) / 10.0
    return _finish(np.stack([px, py], axis=1), label, rng, shuffle, False)


#: (cx, cy, sign) of the six bumps of ``regressGaussian``.
_GAUSSIANS = np.array(
    [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=np.float64
)


def reg_gauss(
    num_samples: int = 1200, noise: float = 0.0, seed: int | np.random.Generator | None = 0, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """``regressGaussian``: six signed cones of radius 2; the value of largest magnitude wins."""
    num_samples, noise = check_size_and_noise(num_samples, noise)
    rng = make_rng(seed)
    radius = 6.0
    px = _uniform(rng, -radius, radius, num_samples)
    py = _uniform(rng, -radius, radius, num_samples)
    nx = _uniform(rng, -radius, radius, num_samples) * noise
    ny = _uniform(rng, -radius, radius, num_samples) * noise
    qx, qy = px + nx, py + ny
    dist = np.hypot(qx[:, None] - _GAUSSIANS[:, 0], qy[:, None] - _GAUSSIANS[:, 1])  # (n, 6)
    # d3.scale.linear().domain([0, 2]).range([1, 0]).clamp(true)
    values = _GAUSSIANS[:, 2] * np.clip(1.0 - dist / 2.0, 0.0, 1.0)
    # Playground keeps the first bump whose |value| is strictly larger than the
    # running best (starting from 0); argmax of |value| picks that same first one.
    best = np.argmax(np.abs(values), axis=1)
    label = values[np.arange(num_samples), best]
    return _finish(np.stack([px, py], axis=1), label, rng, shuffle, False)


GENERATORS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "circle": circle,
    "xor": xor,
    "gaussian": gaussian,
    "spiral": spiral,
    "reg_plane": reg_plane,
    "reg_gauss": reg_gauss,
}
CLASSIFICATION = ("circle", "xor", "gaussian", "spiral")
REGRESSION = ("reg_plane", "reg_gauss")
