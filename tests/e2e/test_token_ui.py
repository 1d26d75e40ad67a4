"""A studio started with a token (any non-loopback host gets one): the printed ``/?token=`` URL opens
the whole UI in real Chromium — API calls and the Socket.IO connection ride on the cookie it sets —
while a browser without the token gets a JSON 401 and no socket."""
from __future__ import annotations

from typing import Any


TOKEN = "e2e-secret-token"
STUDIO_CONFIG = {"token": TOKEN}

CONNECT = """async () => {
    const { io } = await import('/static/vendor/socket.io/socket.io.esm.min.js');
    return await new Promise(resolve => {
        const s = io({ transports: ['websocket'], reconnection: false });
        s.on('connect', () => { s.emit('subscribe_runs', {}, ack => { s.close(); resolve(ack); }); });
        s.on('connect_error', err => { s.close(); resolve({ refused: String(err && err.message) }); });
    });
}"""


def test_token_url_opens_the_studio_and_its_socket(chromium: Any, live: Any) -> None:
    context = chromium.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live.url}/?token={TOKEN}")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert page.locator(".palette-item, [data-class-name]").count() > 10  # /api/layers answered
    assert page.evaluate(CONNECT) == {"ok": True}
    assert not errors
    context.close()


def test_without_the_token_nothing_answers(chromium: Any, live: Any) -> None:
    context = chromium.new_context()
    page = context.new_page()
    response = page.goto(f"{live.url}/")
    assert response.status == 401 and "token" in response.json()["error"]
    page.goto(f"{live.url}/?token=wrong")
    assert "token" in page.content()
    context.close()
