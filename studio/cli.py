"""The ``tapestudio`` command line: start the studio web server, or train headless.

``tapestudio`` serves on loopback by default; on any other host every request
needs a token (``--token``, or a random one printed in the URL, like Jupyter).
``tapestudio train MODEL.json --dataset ID ...`` trains without a browser
(see :mod:`studio.headless`).
"""

from __future__ import annotations

import argparse
import ipaddress
import secrets
import sys
import threading
from pathlib import Path

from studio import __version__
from studio.config import StudioConfig, default_data_dir

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000

#: Exit code for usage errors and for "server not available yet".
EXIT_USAGE = 2


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
            "Binds to loopback by default; on any other host every request needs a token "
            "(--token, or a random one printed in the URL). "
            "`tapestudio train MODEL.json --dataset ID` trains headless (see `tapestudio train --help`)."
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
        help="access token clients must present (a random one is made when --host is not loopback)",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
    )
    return parser


def resolve(args: argparse.Namespace) -> tuple[StudioConfig, str]:
    """The server config and the URL to print (with ``?token=`` when a token is required).

    A non-loopback ``--host`` without ``--token`` gets a random token, like Jupyter:
    nobody reaches the studio from another machine without the printed URL.
    """
    token = args.token
    if not is_loopback(args.host) and not token:
        token = secrets.token_urlsafe(24)
    config = StudioConfig(data_dir=args.data_dir or default_data_dir(), token=token)
    url = server_url(args.host, args.port)
    return config, (f"{url}?token={token}" if token else url)


def serve(config: StudioConfig, host: str, port: int, open_browser: bool = False) -> int:
    """Run the studio until Ctrl+C; live runs are checkpointed and left ``interrupted``."""
    from werkzeug.serving import make_server  # noqa: PLC0415 - only when serving

    from .app import create_app, shutdown_app  # noqa: PLC0415 - heavy (imports the engine)

    app = create_app(config)
    try:
        server = make_server(host, port, app, threaded=True)
    except OSError as exc:
        shutdown_app(app)
        print(f"tapestudio: error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    url = server_url(host, server.server_port)
    if config.token:
        url += f"?token={config.token}"
    print(f"tapestudio {__version__} serving {url}  (data: {config.data_dir}; Ctrl+C stops)", flush=True)
    print(url, flush=True)
    if open_browser:
        import webbrowser  # noqa: PLC0415

        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        shutdown_app(app)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tapestudio`` console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["train"]:
        from .headless import main as train_main  # noqa: PLC0415

        return train_main(argv[1:])
    args = build_parser().parse_args(argv)
    config, _ = resolve(args)
    return serve(config, args.host, args.port, open_browser=args.open)


if __name__ == "__main__":  # pragma: no cover - exercised via subprocess
    sys.exit(main())
