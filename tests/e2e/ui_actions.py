"""Small actions on the studio page shared by the browser tests."""
from __future__ import annotations

from typing import Any


def maximise(page: Any) -> None:
    """Maximise the dock with its button (for the screenshots), unless it already is."""
    if page.evaluate("window.tapestudio.store.get().ui.dock") != "max":
        page.click("[aria-label='Maximise panel']")


def js(page: Any, expr: str) -> Any:
    """Evaluate ``expr`` in the page with ``app`` bound to the studio's app object."""
    return page.evaluate(f"(() => {{ const app = window.tapestudio; return {expr}; }})()")


def load_template(page: Any, template: str) -> None:
    """Load a template from the Templates menu and wait until the server found it valid."""
    page.click("#templates-btn")
    page.click(f"[data-template={template}]")
    page.wait_for_function("window.tapestudio.store.get().validation.status === 'ok'")
