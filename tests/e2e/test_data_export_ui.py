"""The Data and Export panels in real Chromium against a live studio (issue 6 "Data", "Export").

- Data: every kind of preview (scatter, image grid, table, sentences, sequences); Playground-style
  noise and seed controls change the project's dataset options; a CSV with a bad value shows the
  server's own message; a good CSV dropped on the drop zone is imported, reported and selected.
- Export: after a run ends, the TF.js zip downloads (model.json, weight shard, parity.json) with a
  matching parity badge; "Try it" loads the export with the real @tensorflow/tfjs in the page and
  its prediction on a clicked point (2-D MLP) or a drawn digit (CNN) equals the server's
  (TF Serving API) to 1e-5. Also the files route that serves the unzipped export.

Screenshots (conftest.py ``screenshots``): data.png, export.png.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ui_actions import js, load_template, maximise

TOL = 1e-5
EXPECTED_CONSOLE_ERRORS = re.compile(r"^console\.error: Failed to load resource: the server responded with a status of 400 "
                           r"\(BAD REQUEST\) \(http://127\.0\.0\.1:\d+/api/datasets\)$")
BAD_CSV = "width,height,kind\n1.5,2.0,a\n3.0,1e999,b\n2.5,0.5,a\n4.0,1.0,b\n"
GOOD_CSV = "width,height,colour,kind\n1.5,2.0,red,a\n3.0,,blue,b\n2.5,0.5,red,a\n4.0,1.0,green,b\n0.5,0.2,red,a\n"


def train_to_end(page: Any, epochs: int) -> str:
    page.click("#tab-train")
    box = page.locator("#train-epochs")
    box.fill(str(epochs))
    box.press("Enter")
    page.click("#train-train")
    page.wait_for_selector(".train-controls[data-status=completed]", timeout=60_000)
    return js(page, "app.store.get().train.runId")


def tryit_result(page: Any) -> dict:
    table = page.locator(".tryit-table")
    table.wait_for()
    return {k: json.loads(table.get_attribute(f"data-{k}")) for k in ("input", "tfjs", "server", "max-diff")}


# ---- Data -------------------------------------------------------------------------------------

def test_previews_of_every_kind_and_playground_controls(ui: Any, live: Any, screenshots: Path) -> None:
    page = ui
    page.click("#tab-data")
    page.click(".data-pick[data-id=digits]")
    page.wait_for_selector("#data-images .image-cell >> nth=35")
    assert page.locator("#data-images figcaption").first.inner_text() in [str(d) for d in range(10)]
    page.click(".data-pick[data-id=iris]")
    page.wait_for_selector("#data-table")
    assert page.locator("#data-table thead th").count() == 5
    assert page.locator("#data-table tbody tr").count() == 100
    page.click(".data-pick[data-id=sentiment]")
    page.wait_for_selector("#data-sentences li >> nth=11")
    page.click(".data-pick[data-id=waves]")
    page.wait_for_selector("#data-sequences .sparkline >> nth=11")
    # A generated set: noise with the keyboard on the slider, then a new seed.
    page.click(".data-pick[data-id=spiral]")
    page.wait_for_selector("#data-scatter[data-points='500']")
    first = js(page, "document.querySelector('#data-scatter').data[0].x.slice(0, 3)")
    page.locator("#data-opt-noise").focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("window.tapestudio.store.get().project.dataset?.options?.noise === 0.2")
    page.wait_for_function("document.querySelector('#data-preview').dataset.dataset === 'spiral' && "
                           "!document.querySelector('#data-preview').classList.contains('is-loading')")
    page.click("#data-regenerate")
    page.wait_for_function("Number.isInteger(window.tapestudio.store.get().project.dataset?.options?.seed)")
    ref = js(page, "app.store.get().project.dataset")
    assert ref["id"] == "spiral" and ref["options"]["noise"] == 0.2
    expected = live.get("/api/datasets/spiral/preview", params={**ref["options"], "limit": 3}).json()["x"]
    page.wait_for_function(f"JSON.stringify(document.querySelector('#data-scatter').data[0].x.slice(0, 3)) === "
                           f"'{json.dumps([p[0] for p in expected], separators=(',', ':'))}'")
    assert js(page, "document.querySelector('#data-scatter').data[0].x.slice(0, 3)") != first
    # The Train panel follows the chosen data.
    page.click("#tab-train")
    assert "spiral (noise 0.2" in page.locator(".train-data").inner_text()
    page.click("#tab-data")
    maximise(page)
    page.screenshot(path=str(screenshots / "data.png"))


def test_csv_upload_shows_the_server_message_then_imports_a_dropped_file(ui: Any, live: Any) -> None:
    page = ui
    page.click("#tab-data")
    page.locator("#csv-file").set_input_files(files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": BAD_CSV.encode()}])
    error = page.locator(".upload-error")
    error.wait_for()
    answer = live.post("/api/datasets", files={"file": ("bad.csv", BAD_CSV, "text/csv")}, data={"task": "auto", "missing": "impute"})
    assert answer.status_code == 400
    message = answer.json()["error"]
    assert "1e999" in message
    assert message in error.inner_text()
    assert live.get("/api/datasets").json()[-1]["source"] == "builtin"     # nothing was imported

    # A good file, dropped on the drop zone.
    transfer = page.evaluate_handle("""(text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'flowers.csv', { type: 'text/csv' }));
        return dt;
    }""", GOOD_CSV)
    page.dispatch_event("#csv-drop", "drop", {"dataTransfer": transfer})
    report = page.locator("#upload-report")
    report.wait_for()
    uploaded = [d for d in live.get("/api/datasets").json() if d["source"] == "upload"]
    assert len(uploaded) == 1 and uploaded[0]["name"] == "flowers"
    new_id = uploaded[0]["id"]
    page.wait_for_function(f"window.tapestudio.store.get().project.dataset === '{new_id}'")
    text = report.inner_text()
    assert "flowers" in text and "5 rows" in text and 'Missing in "height"' in text
    page.wait_for_selector("#data-table")
    assert page.locator("#data-table tbody tr").count() == 5
    assert page.locator(f".data-item[data-id='{new_id}'].is-selected").count() == 1
    # Uploads can be deleted again.
    page.locator(f".data-item[data-id='{new_id}'] .data-delete").click()
    page.wait_for_selector(f".data-item[data-id='{new_id}']", state="detached")
    assert all(d["source"] == "builtin" for d in live.get("/api/datasets").json())
    assert js(page, "app.store.get().project.dataset") is None


# ---- Export -----------------------------------------------------------------------------------

def test_export_tfjs_download_parity_and_try_it_on_the_plane(ui: Any, live: Any, screenshots: Path) -> None:
    page = ui
    load_template(page, "mlp")
    run_id = train_to_end(page, epochs=6)
    page.click("#tab-export")
    row = page.locator(".format-row[data-format=tfjs]")
    row.locator("a.download").wait_for()
    with page.expect_download() as download:
        row.locator("a.download").click()
    assert download.value.suggested_filename.endswith("-tfjs.zip")
    with zipfile.ZipFile(download.value.path()) as zf:
        names = sorted(Path(n).name for n in zf.namelist() if not n.endswith("/"))
        parity = json.loads(next(zf.read(n) for n in zf.namelist() if n.endswith("parity.json")))
    assert names == ["group1-shard1of1.bin", "model.json", "parity.json"]
    # The parity badge shows the zip's own report.
    badge = row.locator(".parity")
    badge.wait_for(timeout=60_000)
    if parity["reference"].get("runtime"):
        assert badge.get_attribute("data-state") == "match"
        assert float(badge.get_attribute("data-max-diff")) == parity["reference"]["max_abs_diff"]
    else:
        assert badge.get_attribute("data-state") == "unverified"

    # Try it: the real tfjs in the page, a click on the plane, the server's prediction beside it.
    page.click("#tryit-load")
    page.wait_for_selector(f"#tryit-status[data-loaded='{run_id}']", timeout=60_000)
    assert "tfjs 4.22.0 · cpu" in page.locator("#tryit-status").inner_text()
    plane = page.locator("#tryit-plane").bounding_box()
    page.mouse.click(plane["x"] + plane["width"] * 0.3, plane["y"] + plane["height"] * 0.35)
    result = tryit_result(page)
    assert len(result["tfjs"]) == 1 and result["max-diff"] <= TOL
    np.testing.assert_allclose(result["tfjs"], result["server"], rtol=0, atol=TOL)
    # The same point asked of the server from here gives the same number.
    served = live.post(f"/v1/models/{run_id}:predict", json={"instances": [result["input"]]}).json()["predictions"]
    np.testing.assert_allclose(np.ravel(served), result["tfjs"], rtol=0, atol=TOL)
    assert "same prediction" in page.locator(".tryit-diff").inner_text()
    maximise(page)
    page.screenshot(path=str(screenshots / "export.png"))

    # The files route serves the unzipped export (what tf.loadLayersModel fetched).
    model_json = live.get(f"/api/runs/{run_id}/export/tfjs/files/model.json")
    assert model_json.status_code == 200 and model_json.json()["format"] == "layers-model"
    with zipfile.ZipFile(io.BytesIO(live.get(f"/api/runs/{run_id}/export/tfjs").content)) as zf:
        shard = next(n for n in zf.namelist() if n.endswith(".bin"))
        assert live.get(f"/api/runs/{run_id}/export/tfjs/files/{Path(shard).name}").content == zf.read(shard)
    missing = live.get(f"/api/runs/{run_id}/export/tfjs/files/nope.bin")
    assert missing.status_code == 404 and "model.json" in missing.json()["error"]
    assert live.get(f"/api/runs/{run_id}/export/onnx/files/model.json").status_code == 404
    assert live.get("/api/runs/no-such-run/export/tfjs/files/model.json").status_code == 404


def test_try_it_on_a_drawn_digit(ui: Any, live: Any) -> None:
    page = ui
    load_template(page, "cnn")
    run_id = train_to_end(page, epochs=1)
    page.click("#tab-export")
    page.click("#tryit-load")
    page.wait_for_selector(f"#tryit-status[data-loaded='{run_id}']", timeout=60_000)
    pad = page.locator("#tryit-draw").bounding_box()
    x0, y0, w = pad["x"], pad["y"], pad["width"]
    page.mouse.move(x0 + w * 0.3, y0 + w * 0.2)     # a "7": a bar and a slanted stroke
    page.mouse.down()
    for fx, fy in ((0.7, 0.2), (0.45, 0.85)):
        page.mouse.move(x0 + w * fx, y0 + w * fy, steps=12)
    page.mouse.up()
    result = tryit_result(page)
    image = np.asarray(result["input"], dtype=np.float64)
    assert image.shape == (8, 8, 1) and image.max() > 0.3 and image.min() == 0
    assert len(result["tfjs"]) == 10 and abs(sum(result["tfjs"]) - 1) < 1e-4
    np.testing.assert_allclose(result["tfjs"], result["server"], rtol=0, atol=TOL)
