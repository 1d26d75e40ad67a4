"""The ``tapestudio`` command line: start the studio web server.

``tapestudio`` binds to loopback by default; binding to any other host
requires ``--token`` so that the studio is never exposed unauthenticated.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from pathlib import Path

from studio import __version__

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000

#: Exit code for usage errors and for "server not available yet".
EXIT_USAGE = 2


def default_data_dir() -> Path:
    """Per-user data dir: ``$XDG_DATA_HOME/tapestudio`` or ``~/.local/share/tapestudio``."""
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "tapestudio"


def is_loopback(host: str) -> bool:
    """True if ``host`` names the loopback interface (``localhost``, 127.0.0.0/8, ``::1``)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def server_url(host: str, port: int) -> str:
    """The URL the studio serves at, e.g. ``http://127.0.0.1:5000/``."""
    name = host.strip().strip("[]")
    if ":" in name:  # IPv6 literal
        name = f"[{name}]"
    return f"http://{name}:{port}/"


def _port(text: str) -> int:
    """argparse type for a TCP port number (0 picks a free port)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range 0-65535: {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``tapestudio``."""
    parser = argparse.ArgumentParser(
        prog="tapestudio",
        description=(
            "Start tapestudio, the web-based training studio, and print its URL. "
            "Binds to loopback by default; any other host requires --token."
        ),
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"interface to bind (default: {DEFAULT_HOST}); a non-loopback host requires --token",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"TCP port to listen on (default: {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"where projects, runs and artifacts are stored (default: {default_data_dir()})",
    )
    parser.add_argument(
        "--open",
        action="store_true",
        help="open the studio in a web browser once it is up",
    )
    parser.add_argument(
        "--token",
        default=None,
        help="access token clients must present; required when --host is not loopback",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tapestudio`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.data_dir is None:
        args.data_dir = default_data_dir()

    if not is_loopback(args.host) and not args.token:
        print(
            f"tapestudio: error: --host {args.host} is not a loopback address; "
            "pass --token TOKEN to require an access token, or bind to 127.0.0.1",
            file=sys.stderr,
        )
        return EXIT_USAGE

    url = server_url(args.host, args.port)
    print(
        f"tapestudio {__version__}: the studio server is not yet available in this version.",
        file=sys.stderr,
    )
    print(f"When it is, it will serve {url} (data dir: {args.data_dir}).", file=sys.stderr)
    print(url)
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover - exercised via subprocess
    sys.exit(main())
