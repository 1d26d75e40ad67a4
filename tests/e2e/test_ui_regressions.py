"""Regressions found walking the studio as a new user (UI QA pass, issue 6), at 1280×800.

- Several layers selected: the inspector's Duplicate / Zoom to selection / Delete row overflowed
  the inspector, clipping "Delete".
- The "?" shortcuts overlay: "Ctrl+Shift+Z / Ctrl+Y" ran over the "Redo" description.

(The reload-to-the-Train-tab and the model-vs-data warnings are checked in test_training_ui.py.)
"""
from __future__ import annotations

from typing import Any


def _box(page: Any, selector: str) -> dict:
    return page.locator(selector).bounding_box()


def test_multi_selection_actions_stay_inside_the_inspector(ui: Any) -> None:
    page = ui
    page.click("#templates-btn")
    page.click("[data-template=residual]")
    page.wait_for_function("window.tapestudio.store.get().validation.status === 'ok'")
    page.click("#canvas")
    page.keyboard.press("Control+a")
    page.wait_for_selector(".insp-actions .btn-danger")
    inspector = _box(page, "#inspector")
    for i in range(page.locator(".insp-actions .btn").count()):
        button = page.locator(".insp-actions .btn").nth(i).bounding_box()
        assert button["x"] + button["width"] <= inspector["x"] + inspector["width"] + 0.5, button


def test_shortcut_keys_do_not_run_into_their_descriptions(ui: Any) -> None:
    page = ui
    page.click("#canvas")
    page.keyboard.press("?")
    page.wait_for_selector(".shortcut-list")
    overlaps = page.evaluate("""() => [...document.querySelectorAll('.shortcut')].filter((row) => {
        const what = row.querySelector('.shortcut-what').getBoundingClientRect();
        return [...row.querySelectorAll('.shortcut-keys kbd')].some((k) => {
          const r = k.getBoundingClientRect();
          return r.right > what.left + 0.5 && r.left < what.right && r.bottom > what.top && r.top < what.bottom;
        });
      }).map((row) => row.textContent)""")
    assert overlaps == []


def test_picking_a_set_low_in_the_list_keeps_its_preview_in_view(ui: Any) -> None:
    """The Data panel scrolled as a whole: choosing a set at the bottom of the list scrolled its
    title, options and the model-vs-data warning out of view. Now each column scrolls by itself."""
    page = ui
    page.click("#templates-btn")
    page.click("[data-template=mlp]")
    page.wait_for_function("window.tapestudio.store.get().validation.status === 'ok'")
    page.click("#tab-data")
    page.click(".data-pick[data-id=waves]")
    page.wait_for_selector("#data-preview[data-dataset=waves]")
    page.locator("#data-fit").wait_for(state="visible")
    assert page.evaluate("document.querySelector('#panel-data').scrollTop") == 0
    panel = _box(page, "#panel-data")
    for selector in (".data-title", "#data-fit", "#data-options"):
        box = _box(page, selector)
        assert panel["y"] <= box["y"] and box["y"] + box["height"] <= panel["y"] + panel["height"], selector


def test_disabled_run_buttons_say_why(ui: Any) -> None:
    """Pause / Step / Stop were disabled with no reason; their tooltips now say why."""
    page = ui
    page.click("#tab-train")
    for button in ("#train-pause", "#train-step", "#train-stop"):
        assert page.locator(button).is_disabled()
        assert page.locator(button).get_attribute("title").endswith("disabled: no run yet: press Train first")
    assert "disabled" not in page.locator("#train-train").get_attribute("title")
