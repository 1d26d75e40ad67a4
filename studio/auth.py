"""Access token: required on every HTTP and Socket.IO request when the studio has one.

A client presents the token as ``?token=...``, an ``Authorization: Bearer ...``
header, or the ``tapestudio_token`` cookie, which the server sets when a page
is loaded with the right ``?token=`` (like Jupyter), so the browser's later
requests and its Socket.IO connection carry it.
"""
from __future__ import annotations

import hmac
from typing import Any

from flask import Flask, Response, jsonify, request

COOKIE = "tapestudio_token"


def presented_token(auth: Any = None) -> str | None:
    """The token the current request carries, if any (Socket.IO ``auth`` dict first)."""
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        return auth["token"]
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.args.get("token") or request.cookies.get(COOKIE)


def token_ok(expected: str | None, auth: Any = None) -> bool:
    """True when no token is configured or the request presents the right one."""
    if not expected:
        return True
    given = presented_token(auth)
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def install_token_check(app: Flask, token: str | None) -> None:
    """Refuse every HTTP request without the token (401 JSON); set the cookie on success."""
    if not token:
        return

    @app.before_request
    def _check():  # noqa: ANN202 - Flask hook
        if request.path.startswith("/socket.io"):
            return None  # the Socket.IO connect handler checks it (with the auth payload)
        if not token_ok(token):
            return jsonify({"error": "this studio requires an access token: open the URL it printed"}), 401
        return None

    @app.after_request
    def _remember(response: Response) -> Response:
        if request.args.get("token") == token and request.cookies.get(COOKIE) != token:
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
        return response
