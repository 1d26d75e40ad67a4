"""SQLite persistence: projects, runs, the per-run event log and uploaded datasets.

One database file (``studio.sqlite3``) in the data dir, WAL journal, one
connection shared by every thread behind a lock; each public method is one
transaction (committed on success, rolled back on error). Documents (model
topology, layout, config, history, event payloads) are stored as JSON text and
returned as Python objects. Artifacts (checkpoints, exports, uploaded arrays)
live on disk beside the database, under paths the store hands out.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    model TEXT,
    layout TEXT,
    dataset TEXT,
    config TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
    parent_id TEXT,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    model TEXT NOT NULL,
    dataset TEXT NOT NULL,
    config TEXT NOT NULL,
    epoch INTEGER NOT NULL DEFAULT 0,
    step INTEGER NOT NULL DEFAULT 0,
    history TEXT NOT NULL DEFAULT '{}',
    summary TEXT,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS runs_project ON runs(project_id);
CREATE TABLE IF NOT EXISTS events (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE IF NOT EXISTS datasets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    descriptor TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""

_JSON_COLUMNS = {"model", "layout", "dataset", "config", "history", "summary", "descriptor", "payload"}
_RUN_FIELDS = {"project_id", "parent_id", "name", "status", "reason", "model", "dataset", "config",
               "epoch", "step", "history", "summary", "started_at", "finished_at"}
_PROJECT_FIELDS = {"name", "model", "layout", "dataset", "config"}

#: Run states. ``queued``/``running``/``paused`` are live; the rest are final
#: (``interrupted`` runs were live when the server stopped; they can be resumed).
LIVE_STATUSES = ("queued", "running", "paused")
FINAL_STATUSES = ("completed", "stopped", "failed", "interrupted")


def new_id() -> str:
    """A short random id (12 hex digits), safe in URLs and file names."""
    return uuid.uuid4().hex[:12]


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, separators=(",", ":"), allow_nan=False)


def _row(row: sqlite3.Row | None) -> dict | None:
    if row is None:
        return None
    out = {}
    for key in row.keys():
        value = row[key]
        out[key] = json.loads(value) if key in _JSON_COLUMNS and value is not None else value
    return out


class Store:
    """The studio's database; thread-safe; every method is one transaction."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.data_dir / "studio.sqlite3"
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(_SCHEMA)
        with self._tx() as c:
            c.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    # -- plumbing -------------------------------------------------------------------
    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, args: tuple = ()) -> list[dict]:
        with self._lock:
            return [_row(r) for r in self._conn.execute(sql, args).fetchall()]

    def close(self) -> None:
        """Close the connection (the store is unusable afterwards)."""
        with self._lock:
            self._conn.close()

    def artifact_dir(self, kind: str, ident: str) -> Path:
        """``<data_dir>/<kind>/<ident>/``, created; ``ident`` must be an id the store made."""
        if not ident.isalnum() or not kind.isalnum():
            raise ValueError(f"not a valid artifact path component: {kind!r}/{ident!r}")
        path = self.data_dir / kind / ident
        path.mkdir(parents=True, exist_ok=True)
        return path

    # -- projects -------------------------------------------------------------------
    def create_project(self, name: str, model: Any = None, layout: Any = None, dataset: Any = None,
                       config: Any = None) -> dict:
        """Insert a project and return it."""
        pid, now = new_id(), time.time()
        with self._tx() as c:
            c.execute("INSERT INTO projects(id, name, model, layout, dataset, config, created_at, updated_at)"
                      " VALUES (?,?,?,?,?,?,?,?)",
                      (pid, name, _dump(model), _dump(layout), _dump(dataset), _dump(config), now, now))
        return self.get_project(pid)  # type: ignore[return-value]

    def get_project(self, project_id: str) -> dict | None:
        """The project, or None."""
        rows = self._query("SELECT * FROM projects WHERE id = ?", (project_id,))
        return rows[0] if rows else None

    def list_projects(self) -> list[dict]:
        """Every project, most recently updated first."""
        return self._query("SELECT * FROM projects ORDER BY updated_at DESC")

    def update_project(self, project_id: str, **fields: Any) -> dict | None:
        """Change some of ``name, model, layout, dataset, config``; None if unknown."""
        unknown = set(fields) - _PROJECT_FIELDS
        if unknown:
            raise ValueError(f"unknown project fields: {sorted(unknown)}")
        if fields:
            cols = ", ".join(f"{k} = ?" for k in fields)
            values = tuple(v if k == "name" else _dump(v) for k, v in fields.items())
            with self._tx() as c:
                c.execute(f"UPDATE projects SET {cols}, updated_at = ? WHERE id = ?",
                          (*values, time.time(), project_id))
        return self.get_project(project_id)

    def delete_project(self, project_id: str) -> bool:
        """Delete the project (its runs stay, detached); False if unknown."""
        with self._tx() as c:
            return c.execute("DELETE FROM projects WHERE id = ?", (project_id,)).rowcount > 0

    # -- runs -----------------------------------------------------------------------
    def create_run(self, *, model: Any, dataset: Any, config: Any, name: str | None = None,
                   project_id: str | None = None, parent_id: str | None = None,
                   status: str = "queued") -> dict:
        """Insert a run (status ``queued``) and return it."""
        rid, now = new_id(), time.time()
        with self._tx() as c:
            c.execute("INSERT INTO runs(id, project_id, parent_id, name, status, model, dataset, config,"
                      " created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                      (rid, project_id, parent_id, name or f"run {rid[:6]}", status, _dump(model),
                       _dump(dataset), _dump(config), now))
        return self.get_run(rid)  # type: ignore[return-value]

    def get_run(self, run_id: str) -> dict | None:
        """The run, or None."""
        rows = self._query("SELECT * FROM runs WHERE id = ?", (run_id,))
        return rows[0] if rows else None

    def list_runs(self, project_id: str | None = None) -> list[dict]:
        """Runs (of one project, or all), newest first; without the bulky model document."""
        cols = ("id, project_id, parent_id, name, status, reason, dataset, config, epoch, step, history,"
                " summary, created_at, started_at, finished_at")
        if project_id is None:
            return self._query(f"SELECT {cols} FROM runs ORDER BY created_at DESC")
        return self._query(f"SELECT {cols} FROM runs WHERE project_id = ? ORDER BY created_at DESC",
                           (project_id,))

    def update_run(self, run_id: str, **fields: Any) -> None:
        """Set some run columns (JSON columns are encoded)."""
        unknown = set(fields) - _RUN_FIELDS
        if unknown:
            raise ValueError(f"unknown run fields: {sorted(unknown)}")
        if not fields:
            return
        cols = ", ".join(f"{k} = ?" for k in fields)
        values = tuple(_dump(v) if k in _JSON_COLUMNS else v for k, v in fields.items())
        with self._tx() as c:
            c.execute(f"UPDATE runs SET {cols} WHERE id = ?", (*values, run_id))

    def delete_run(self, run_id: str) -> bool:
        """Delete a run and its events; False if unknown."""
        with self._tx() as c:
            return c.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount > 0

    def mark_interrupted(self) -> list[str]:
        """On start-up: every run left live by a previous process becomes ``interrupted``."""
        with self._tx() as c:
            ids = [r[0] for r in c.execute(
                f"SELECT id FROM runs WHERE status IN ({','.join('?' * len(LIVE_STATUSES))})", LIVE_STATUSES)]
            c.executemany("UPDATE runs SET status = 'interrupted', reason = ? WHERE id = ?",
                          [("the server stopped while this run was live", i) for i in ids])
        return ids

    # -- events ---------------------------------------------------------------------
    def append_event(self, run_id: str, type_: str, payload: dict, created_at: float | None = None) -> int:
        """Append one event to the run's log and return its ``seq`` (1, 2, 3, ...)."""
        with self._tx() as c:
            (last,) = c.execute("SELECT COALESCE(MAX(seq), 0) FROM events WHERE run_id = ?", (run_id,)).fetchone()
            seq = last + 1
            c.execute("INSERT INTO events(run_id, seq, type, payload, created_at) VALUES (?,?,?,?,?)",
                      (run_id, seq, type_, _dump(payload), time.time() if created_at is None else created_at))
        return seq

    def events_since(self, run_id: str, since: int = 0, types: tuple[str, ...] | None = None,
                     limit: int | None = None) -> list[dict]:
        """Events of a run with ``seq > since`` in order: ``{"seq", "type", "payload", "created_at"}``."""
        sql, args = "SELECT seq, type, payload, created_at FROM events WHERE run_id = ? AND seq > ?", [run_id, since]
        if types:
            sql += f" AND type IN ({','.join('?' * len(types))})"
            args += list(types)
        sql += " ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        return self._query(sql, tuple(args))

    def last_seq(self, run_id: str) -> int:
        """The run's newest ``seq`` (0 when it has no events)."""
        with self._lock:
            (last,) = self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events WHERE run_id = ?",
                                         (run_id,)).fetchone()
        return last

    # -- uploaded datasets ----------------------------------------------------------
    def add_dataset(self, dataset_id: str, name: str, descriptor: dict) -> dict:
        """Record an uploaded dataset (its arrays are files under ``artifact_dir('datasets', id)``)."""
        with self._tx() as c:
            c.execute("INSERT INTO datasets(id, name, descriptor, created_at) VALUES (?,?,?,?)",
                      (dataset_id, name, _dump(descriptor), time.time()))
        return self.get_dataset(dataset_id)  # type: ignore[return-value]

    def get_dataset(self, dataset_id: str) -> dict | None:
        """The uploaded dataset's record, or None."""
        rows = self._query("SELECT * FROM datasets WHERE id = ?", (dataset_id,))
        return rows[0] if rows else None

    def list_datasets(self) -> list[dict]:
        """Every uploaded dataset, oldest first."""
        return self._query("SELECT * FROM datasets ORDER BY created_at")

    def delete_dataset(self, dataset_id: str) -> bool:
        """Forget an uploaded dataset; False if unknown."""
        with self._tx() as c:
            return c.execute("DELETE FROM datasets WHERE id = ?", (dataset_id,)).rowcount > 0
