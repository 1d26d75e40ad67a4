"""Training runs: the manager (queue + workers), one run's trainer, control, events, checkpoints.

- :mod:`.manager` — :class:`RunManager`: create/continue/fork/delete, FIFO queue, control calls.
- :mod:`.runner` — ``Trainer``: one run through the engine's ``fit`` with :mod:`.callback`.
- :mod:`.control`, :mod:`.stream`, :mod:`.insights`, :mod:`.reporter` — the callback's parts.
- :mod:`.runconfig`, :mod:`.plan`, :mod:`.validate` — the run config and create-time checks.
- :mod:`.engine_lock` — :data:`ENGINE_LOCK`: hold it around any engine use from a server thread.
"""
from __future__ import annotations

from .engine_lock import ENGINE_LOCK
from .manager import RunManager

__all__ = ["ENGINE_LOCK", "RunManager"]
