"""The run manager (being written)."""
from __future__ import annotations

from typing import Any


class RunManager:
    """Queue and run trainings (placeholder until the runner lands)."""

    def __init__(self, store: Any, hub: Any, datasets: Any, config: Any) -> None:
        self.store, self.hub, self.datasets, self.config = store, hub, datasets, config

    def start(self) -> None:
        """Start the worker threads."""

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop the workers."""

    def resume_interrupted(self, run_id: str) -> None:
        """Resume a run the last process left live."""
