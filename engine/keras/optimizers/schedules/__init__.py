"""``keras.optimizers.schedules``: learning-rate schedules evaluated on ``optimizer.iterations``."""
from .learning_rate_schedule import (CosineDecay, CosineDecayRestarts, ExponentialDecay, InverseTimeDecay,  # noqa: F401
                                     LearningRateSchedule, PiecewiseConstantDecay, PolynomialDecay, deserialize,
                                     serialize)

__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay",
           "InverseTimeDecay", "CosineDecay", "CosineDecayRestarts", "serialize", "deserialize"]
