"""The studio's settings: one immutable object handed to :func:`studio.create_app`."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def default_data_dir() -> Path:
    """Per-user data dir: ``$XDG_DATA_HOME/tapestudio`` or ``~/.local/share/tapestudio``."""
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "tapestudio"


@dataclass(frozen=True)
class StudioConfig:
    """Everything the server needs to know; the defaults suit ``tapestudio`` on a laptop.

    ``token``: when set, every HTTP and Socket.IO request must present it
    (``?token=``, ``Authorization: Bearer``, or the cookie set by the first
    tokened page load). ``max_concurrent_runs``: runs training at once; more
    wait in a queue. ``emit_hz``: the ceiling on ``metrics`` events per run
    and second. ``cors_allowed_origins``: extra origins allowed to open a
    Socket.IO connection (same-origin is always allowed).
    """

    data_dir: Path = field(default_factory=default_data_dir)
    token: str | None = None
    max_concurrent_runs: int = max(1, os.cpu_count() or 1)
    max_upload_bytes: int = 16 * 1024 * 1024
    max_request_bytes: int = 32 * 1024 * 1024
    emit_hz: float = 10.0
    cors_allowed_origins: tuple[str, ...] = ()
    resume_interrupted: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        if self.max_concurrent_runs < 1:
            raise ValueError("max_concurrent_runs must be at least 1")
        if self.emit_hz <= 0:
            raise ValueError("emit_hz must be positive")
