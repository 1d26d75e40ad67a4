"""Seeded sequence datasets for recurrent layers: a toy sentiment text set and a wave-shape set.

Both are generated (no copied text, no licence beyond the project's own), so
a given ``seed`` always gives the same arrays.

``sentiment`` — short review-like sentences ("the plot was not very good but
the cast was great") from a small grammar, labelled ``0`` negative / ``1``
positive. Word order matters: ``not`` flips a clause, and in "A but B" the
second clause decides, so a bag of words is not enough for a perfect score.
Sentences are tokenised to integer ids with the fixed :data:`VOCABULARY`
(``0`` is ``<pad>``, ``1`` is ``<unk>``) and left-padded with ``0`` to
:data:`SENTENCE_LENGTH` (Keras ``pad_sequences``' default ``padding="pre"``,
which suits an LSTM without masking; ``Embedding(mask_zero=True)`` works
too). ``x`` is int32 ``(n, 20)`` for ``Embedding(input_dim=len(VOCABULARY))``.

``waves`` — "which wave is it?": ``x`` float32 ``(n, 32, 1)``, 32 samples of
one of four periodic shapes (``0`` sine, ``1`` square, ``2`` triangle, ``3``
sawtooth) with a random frequency (1.5–4 cycles per window), phase, amplitude
(0.5–1) and offset (±0.2), plus Gaussian noise of standard deviation ``noise``.

Both take ``num_samples``, ``noise`` (0–0.5; for ``sentiment`` the fraction
of labels flipped at random), ``seed`` and ``shuffle`` (classes are balanced;
``shuffle=False`` keeps the generation order, classes cycling 0, 1, ...).
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .playground import check_size_and_noise, make_rng

__all__ = [
    "GENERATORS",
    "DEFAULT_SAMPLES",
    "MAX_SAMPLES",
    "MAX_NOISE",
    "VOCABULARY",
    "SENTENCE_LENGTH",
    "WAVE_LENGTH",
    "WAVE_NAMES",
    "sentiment",
    "waves",
    "encode",
    "decode",
]

#: Default and largest ``num_samples`` of each set.
DEFAULT_SAMPLES = {"sentiment": 1000, "waves": 800}
MAX_SAMPLES = 50_000
MAX_NOISE = 0.5
#: Every ``sentiment`` sentence fits (left-padded with ``<pad>``) in this many tokens.
SENTENCE_LENGTH = 20
#: Time steps of a ``waves`` sequence.
WAVE_LENGTH = 32
WAVE_NAMES = ("sine", "square", "triangle", "sawtooth")

_SUBJECTS = ("the film", "this movie", "the plot", "the acting", "the music", "the ending", "the story",
             "the cast", "the script", "the camera work", "the dialogue", "the pacing")
_VERBS = ("is", "was", "seemed", "felt")
_INTENSIFIERS = ("very", "really", "truly", "quite", "so", "rather")
_POSITIVE = ("good", "great", "wonderful", "brilliant", "lovely", "fun", "moving", "clever", "charming", "superb")
_NEGATIVE = ("bad", "awful", "boring", "dull", "terrible", "weak", "silly", "poor", "messy", "tedious")
_PREFIXES = ("honestly", "overall", "i think", "to be fair", "in the end")


def _words(*groups: tuple[str, ...]) -> set[str]:
    return {word for group in groups for phrase in group for word in phrase.split()}


#: Token id -> word. Id 0 pads, id 1 stands for a word outside the vocabulary.
VOCABULARY: tuple[str, ...] = ("<pad>", "<unk>") + tuple(sorted(
    _words(_SUBJECTS, _VERBS, _INTENSIFIERS, _POSITIVE, _NEGATIVE, _PREFIXES, ("not", "but", "and"))))
_IDS = {word: i for i, word in enumerate(VOCABULARY)}


def encode(text: str) -> list[int]:
    """Token ids of a sentence (lower-cased, split on spaces; unknown words -> ``<unk>``)."""
    return [_IDS.get(word, 1) for word in text.lower().split()]


def decode(ids: list[int] | np.ndarray) -> list[str]:
    """The words of a row of ids, padding dropped."""
    return [VOCABULARY[i] if 0 <= i < len(VOCABULARY) else "<unk>" for i in map(int, ids) if i != 0]


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _clause(rng: np.random.Generator, positive: bool) -> list[str]:
    """``subject verb [not] [intensifier] adjective`` meaning ``positive``."""
    words = [*_pick(rng, _SUBJECTS).split(), _pick(rng, _VERBS)]
    negated = rng.random() < 0.3
    if negated:
        words.append("not")
    if rng.random() < 0.4:
        words.append(_pick(rng, _INTENSIFIERS))
    words.append(_pick(rng, _POSITIVE if positive != negated else _NEGATIVE))
    return words


def _sentence(rng: np.random.Generator, positive: bool) -> list[str]:
    prefix = _pick(rng, _PREFIXES).split() if rng.random() < 0.25 else []
    shape = rng.random()
    if shape < 0.5:
        body = _clause(rng, positive)
    elif shape < 0.75:  # contrast: the clause after "but" decides
        body = _clause(rng, not positive) + ["but"] + _clause(rng, positive)
    else:
        body = _clause(rng, positive) + ["and"] + _clause(rng, positive)
    return prefix + body


def _labels(num_samples: int, num_classes: int) -> np.ndarray:
    return (np.arange(num_samples) % num_classes).astype(np.int32)


def _finish(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, shuffle: bool) -> tuple[np.ndarray, np.ndarray]:
    if shuffle:
        order = rng.permutation(len(x))
        x, y = x[order], y[order]
    return np.ascontiguousarray(x), np.ascontiguousarray(y)


def sentiment(
    num_samples: int = 1000, noise: float = 0.0, seed: int | np.random.Generator | None = 0, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Toy review sentences as left-padded token ids ``(n, 20)`` int32, labels 0 negative / 1 positive."""
    num_samples, noise = check_size_and_noise(num_samples, noise, MAX_SAMPLES)
    rng = make_rng(seed)
    y = _labels(num_samples, 2)
    x = np.zeros((num_samples, SENTENCE_LENGTH), np.int32)
    for i, label in enumerate(y):
        ids = [_IDS[word] for word in _sentence(rng, bool(label))]
        x[i, SENTENCE_LENGTH - len(ids):] = ids
    flip = rng.random(num_samples) < noise
    y = np.where(flip, 1 - y, y).astype(np.int32)
    return _finish(x, y, rng, shuffle)


def waves(
    num_samples: int = 800, noise: float = 0.1, seed: int | np.random.Generator | None = 0, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Four wave shapes ``(n, 32, 1)`` float32 with noise; labels 0 sine, 1 square, 2 triangle, 3 sawtooth."""
    num_samples, noise = check_size_and_noise(num_samples, noise, MAX_SAMPLES)
    rng = make_rng(seed)
    y = _labels(num_samples, len(WAVE_NAMES))
    cycles = rng.uniform(1.5, 4.0, (num_samples, 1))
    phase = rng.uniform(0.0, 1.0, (num_samples, 1))
    amplitude = rng.uniform(0.5, 1.0, (num_samples, 1))
    offset = rng.uniform(-0.2, 0.2, (num_samples, 1))
    t = np.arange(WAVE_LENGTH) / WAVE_LENGTH
    p = (cycles * t + phase) % 1.0  # position within the period, in [0, 1)
    shapes = np.stack([
        np.sin(2 * math.pi * p),  # sine
        np.where(p < 0.5, 1.0, -1.0),  # square
        1.0 - 4.0 * np.abs(p - 0.5),  # triangle
        2.0 * p - 1.0,  # sawtooth
    ])  # (4, n, T)
    clean = shapes[y, np.arange(num_samples)]
    x = amplitude * clean + offset + rng.normal(0.0, 1.0, clean.shape) * noise
    return _finish(x[..., None].astype(np.float32), y, rng, shuffle)


GENERATORS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {"sentiment": sentiment, "waves": waves}
