"""Training runs: the manager (queue + workers), one run's trainer, control, events, checkpoints."""
from __future__ import annotations

from .manager import RunManager

__all__ = ["RunManager"]
