"""Fixtures shared by the browser tests (TF.js exports now, the studio UI later).

- ``chromium``: one headless Debian Chromium (``/usr/bin/chromium``) per session,
  driven by Playwright. ``bash scripts/test`` installs both (apt ``chromium``,
  pip ``playwright`` from the ``test`` extra); ``playwright install`` is never
  used — its browser downloads do not work on these machines (DESIGN.md, "Real
  tools on these machines").
- ``page``: a fresh page in its own browser context; everything the page reports
  as an error (console ``error`` messages, uncaught exceptions, failed requests)
  lands in the ``console_errors`` list, so a test can assert it stayed empty.
- ``serve_dir``: serves a directory over HTTP on 127.0.0.1 (random port) in a
  daemon thread and returns its base URL; servers stop at test teardown.

A missing Chromium or Playwright fails the test (locally and in CI): nothing is skipped.
"""
from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGE_TIMEOUT_MS = 30_000


def _missing(what: str) -> None:
    """Fail (never skip) with the command that installs the browser tools."""
    where = "in CI" if os.environ.get("CI") == "true" else "locally"
    pytest.fail(
        f"Browser tests need {what} ({where}). Run `bash scripts/test`, which installs "
        f"Debian's chromium (apt) and the playwright Python package (never `playwright install`).",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """A headless Chromium (``/usr/bin/chromium``) launched through Playwright, shared by the session."""
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only the browser tests need it
    except ImportError as exc:
        _missing(f"the playwright Python package ({exc})")
    if not os.access(CHROMIUM, os.X_OK):
        _missing(f"Chromium at {CHROMIUM}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Errors reported by the ``page`` fixture's page (filled while the test runs)."""
    return []


@pytest.fixture
def page(chromium: Any, console_errors: list[str]) -> Iterator[Any]:
    """A new page in its own context; console errors, page errors and failed requests go to ``console_errors``."""
    context = chromium.new_context()
    pg = context.new_page()
    pg.set_default_timeout(PAGE_TIMEOUT_MS)

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            url = (msg.location or {}).get("url")
            console_errors.append(f"console.error: {msg.text}" + (f" ({url})" if url else ""))

    pg.on("console", on_console)
    pg.on("pageerror", lambda exc: console_errors.append(f"pageerror: {exc}"))
    pg.on("requestfailed", lambda req: console_errors.append(f"requestfailed: {req.url} ({req.failure})"))
    try:
        yield pg
    finally:
        context.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    """``SimpleHTTPRequestHandler`` without the per-request log lines on stderr."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture
def serve_dir() -> Iterator[Callable[[Path], str]]:
    """``serve_dir(path) -> "http://127.0.0.1:<port>"``: serve ``path`` until the test ends."""
    servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def serve(directory: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name=f"http:{directory}", daemon=True)
        thread.start()
        servers.append((server, thread))
        host, port = server.server_address[:2]
        return f"http://{host}:{port}"

    try:
        yield serve
    finally:
        for server, thread in servers:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the browser tests save a screenshot of each main screen (test artifacts):
    ``$TAPESTUDIO_ARTIFACTS/screenshots``, by default ``.artifacts/screenshots`` in the repository."""
    base = os.environ.get("TAPESTUDIO_ARTIFACTS") or Path(__file__).resolve().parents[2] / ".artifacts"
    path = Path(base) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


# ---- a live studio per test module, and the studio page ------------------------------------------
#: The browser tests' window size (the studio must be usable at 1280×800).
VIEWPORT = {"width": 1280, "height": 800}


def _live_studio_class() -> type:
    """``LiveStudio`` from tests/studio/conftest.py (conftest modules are not importable by name)."""
    import importlib.util  # noqa: PLC0415
    import sys  # noqa: PLC0415

    name = "_studio_live_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[1] / "studio" / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up by name
        spec.loader.exec_module(module)
    return sys.modules[name].LiveStudio


@pytest.fixture(scope="module")
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real studio on loopback for the test module (its ``STUDIO_CONFIG`` dict, if any)."""
    config = dict(getattr(request.module, "STUDIO_CONFIG", {}))
    studio = _live_studio_class()(data_dir=tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]),
                                  config=config).start()
    yield studio
    studio.stop()


@pytest.fixture
def ui(request: pytest.FixtureRequest, page: Any, live: Any, console_errors: list[str]) -> Iterator[Any]:
    """The studio freshly opened in its own browser context; at the end, no console error may remain
    except those matching the module's ``EXPECTED_CONSOLE_ERRORS`` regex (4xx a test causes on purpose:
    Chromium logs every 4xx response as "Failed to load resource")."""
    page.set_viewport_size(VIEWPORT)
    page.goto(live.url + "/")
    page.wait_for_selector("body[data-ready=true]")
    yield page
    expected = getattr(request.module, "EXPECTED_CONSOLE_ERRORS", None)
    unexpected = [e for e in console_errors if expected is None or not expected.match(e)]
    assert unexpected == [], unexpected
