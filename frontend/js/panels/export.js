// The Export panel (issue 6 "Export"): download a run's trained model as a TF SavedModel, TF.js,
// .keras or Python zip (GET /api/runs/{id}/export/{format}); each format's parity report (the
// export re-loaded in its runtime and compared with the engine); and "Try it": the run's TF.js
// export loaded in this page with the real @tensorflow/tfjs, predicting on a clicked point or a
// drawn digit next to the server's own prediction (POST /v1/models/{id}:predict).

import { h } from "../format.js";
import { toastError } from "../toast.js";
import { datasetPoints, datasetRef, describeDataset, previewDataset } from "../data/datasets.js";
import { parityView } from "../export/parity.js";
import { createDrawPad, createJsonInput, createPlane, readOutput } from "../export/inputs.js";
import { exportFileUrl, loadRunModel, predictTfjs } from "../export/tfjs.js";
import { isLive } from "../runs/runview.js";
import { statusPill } from "../runs/format.js";

const FORMAT_INFO = {
  tf_saved_model: { title: "TensorFlow SavedModel", hint: "tf.saved_model.load · TF Serving" },
  tfjs: { title: "TensorFlow.js", hint: "tf.loadLayersModel in a web page or Node" },
  keras: { title: "Keras (.keras)", hint: "keras.models.load_model" },
  python: { title: "Python", hint: "Keras code that rebuilds the model + its weights" },
};

const fmtNum = (v) => (Number.isFinite(v) ? (Math.abs(v) < 1e-4 && v !== 0 ? v.toExponential(3) : v.toFixed(6)) : String(v));

function flatten(v) {
  return Array.isArray(v) ? v.flatMap(flatten) : [v];
}

/** Mount the Export panel. */
export function mount(root, store, app) {
  const picker = h("select", { id: "export-run", "aria-label": "Run to export" });
  const runInfo = h("span", { class: "export-run-info small" });
  const formatsEl = h("div", { class: "export-formats", id: "export-formats" });
  const tryBody = h("div", { class: "tryit-body" });
  const loadBtn = h("button", { type: "button", class: "btn btn-primary", id: "tryit-load" }, "Load the TF.js model in this page");
  const tryStatus = h("div", { class: "tryit-status small", id: "tryit-status", role: "status", "aria-live": "polite" });
  const results = h("div", { class: "tryit-results", id: "tryit-results" });
  const empty = h("div", { class: "export-empty muted" }, "Train a model first: its checkpoints can be exported here.");
  root.append(h("div", { class: "export-layout" },
    h("div", { class: "export-head" }, h("label", { for: "export-run" }, "Run"), picker, runInfo),
    empty,
    h("div", { class: "export-grid" },
      h("section", { class: "tcard export-card" }, h("h3", { class: "tcard-title" }, "Download"), formatsEl),
      h("section", { class: "tcard tryit-card" }, h("h3", { class: "tcard-title" }, "Try it — TF.js in this page vs. the server"),
        h("div", { class: "tryit-top" }, loadBtn, tryStatus), tryBody, results))));

  let runs = [];
  let runId = null;
  let followTrain = true;
  let visible = false;
  let loaded = null;          // {tf, model, epoch, runId}
  let availability = null;
  const parity = new Map();   // `${run}:${format}` → parity JSON | Error | "pending"

  async function refreshRuns() {
    try {
      runs = await app.api.get("/api/runs");
    } catch (err) {
      toastError(err, "Could not list the runs");
      return;
    }
    const trainRun = store.get().train?.runId;
    if (followTrain && trainRun) runId = trainRun;
    if (!runId || !runs.some((r) => r.id === runId)) runId = runs.find((r) => !["queued", "failed"].includes(r.status))?.id ?? runs[0]?.id ?? null;
    picker.replaceChildren(...runs.map((r) => h("option", { value: r.id, selected: r.id === runId }, `${r.name} — ${r.status}, epoch ${r.epoch}`)));
    empty.hidden = runs.length > 0;
    picker.disabled = !runs.length;
    await refreshRun();
  }

  async function refreshRun() {
    const run = runs.find((r) => r.id === runId);
    runInfo.replaceChildren(...(run ? [statusPill(run.status), ` ${run.epoch}/${run.epochs ?? "?"} epochs · ${typeof run.dataset === "object" ? run.dataset?.id : run.dataset}`] : []));
    availability = null;
    if (!run) {
      formatsEl.replaceChildren();
      renderTry();
      return;
    }
    try {
      availability = await app.api.get(`/api/runs/${encodeURIComponent(run.id)}/export`);
    } catch (err) {
      availability = { formats: [], error: err.message };
    }
    renderFormats();
    renderTry();
  }

  function renderFormats() {
    if (!availability) return;
    const id = runId;
    formatsEl.replaceChildren(...(availability.error ? [h("div", { class: "notice notice-error" }, availability.error)] : []),
      ...availability.formats.map((f) => {
        const info = FORMAT_INFO[f.format] || { title: f.format, hint: "" };
        const key = `${id}:${f.format}`;
        const p = parity.get(key);
        const parityEl = h("div", { class: "format-parity" },
          p === "pending" ? h("span", { class: "small muted" }, "Exporting and checking…")
            : p instanceof Error ? h("span", { class: "small notice-error notice" }, p.message)
              : p ? parityView(p)
                : f.available ? h("button", { type: "button", class: "btn-link small check-parity", onclick: () => checkParity(id, f.format) }, `Check parity${f.verified_by ? ` with ${f.verified_by}` : ""}`) : null);
        const link = f.available
          ? h("a", {
            class: "btn btn-small download", href: `/api/runs/${encodeURIComponent(id)}/export/${f.format}`, download: "",
            dataset: { format: f.format }, onclick: () => setTimeout(() => checkParity(id, f.format), 50),
          }, "⤓ Download .zip")
          : h("span", { class: "small muted format-reason" }, f.reason || "not available");
        return h("div", { class: `format-row${f.available ? "" : " is-off"}`, dataset: { format: f.format } },
          h("div", { class: "format-main" }, h("div", { class: "format-title" }, info.title), h("div", { class: "format-hint small" }, info.hint),
            h("div", { class: "format-contents small muted" }, f.contents)),
          h("div", { class: "format-side" }, link, parityEl));
      }));
  }

  async function checkParity(id, format) {
    const key = `${id}:${format}`;
    if (parity.get(key) === "pending") return;
    parity.set(key, "pending");
    renderFormats();
    try {
      const response = await fetch(exportFileUrl(id, format, "parity.json"), { headers: { Accept: "application/json" } });
      const body = await response.json();
      parity.set(key, response.ok ? body : new Error(body.error || `HTTP ${response.status}`));
    } catch (err) {
      parity.set(key, err);
    }
    if (id === runId) renderFormats();
  }

  // ---- try it
  let input = null;   // the current input widget
  function renderTry() {
    const run = runs.find((r) => r.id === runId);
    const tfjsOk = availability?.formats?.find((f) => f.format === "tfjs")?.available;
    loadBtn.disabled = !run || !tfjsOk;
    if (!loaded || loaded.runId !== runId) {
      tryBody.replaceChildren();
      results.replaceChildren();
      tryStatus.textContent = !run ? "" : tfjsOk ? "Loads model.json and its weights from the studio with tf.loadLayersModel (cpu backend)."
        : (availability?.formats?.find((f) => f.format === "tfjs")?.reason || "The TF.js export is not available for this run.");
    }
  }

  async function loadModel() {
    const id = runId;
    const run = runs.find((r) => r.id === id);
    if (!run) return;
    loadBtn.disabled = true;
    tryStatus.textContent = "Loading @tensorflow/tfjs and the model…";
    try {
      const { tf, model, epoch } = await loadRunModel(id);
      if (loaded?.model) loaded.model.dispose();
      loaded = { tf, model, epoch, runId: id };
      tryStatus.replaceChildren(h("span", { class: "pill pill-ok" }, `tfjs ${tf.version.tfjs} · ${tf.getBackend()}`),
        ` model.json of epoch ${epoch ?? "?"} loaded: input ${JSON.stringify(model.inputs[0].shape)}, output ${JSON.stringify(model.outputs[0].shape)}`);
      tryStatus.dataset.loaded = id;
      checkParity(id, "tfjs");
      await buildInput(run, model);
    } catch (err) {
      tryStatus.replaceChildren(h("span", { class: "notice notice-error" }, `Could not load the TF.js model: ${err.message}`));
    } finally {
      loadBtn.disabled = false;
    }
  }
  loadBtn.addEventListener("click", loadModel);

  async function buildInput(run, model) {
    const shape = model.inputs[0].shape.slice(1);
    const ref = datasetRef(run.dataset);
    const desc = ref ? await describeDataset(ref.id).catch(() => null) : null;
    const predictGrid = (instances) => predictTfjs(loaded.tf, loaded.model, instances);
    results.replaceChildren(h("p", { class: "muted small" }, "Predictions appear here."));
    if (shape.length === 1 && shape[0] === 2 && desc?.kind === "points") {
      const points = await datasetPoints(ref, 0);
      const plane = createPlane(points, (pt) => {
        plane.mark(pt);
        compare([pt], `point (${pt[0].toFixed(3)}, ${pt[1].toFixed(3)})`);
      });
      input = plane;
      tryBody.replaceChildren(h("div", { class: "tryit-input" }, plane.el,
        h("p", { class: "small muted" }, "Click the plane: the point goes to tfjs and to the server. The colours are tfjs's own predictions over the plane.")));
      await plane.drawField(predictGrid);
      return;
    }
    if (shape.length >= 2 && shape.length <= 3 && (desc?.kind === "image" || shape.length === 3)) {
      const pad = createDrawPad(shape[0], shape[1], shape.length === 3 ? shape[2] : 0, (inst) => compare([inst], "your drawing"));
      input = pad;
      tryBody.replaceChildren(h("div", { class: "tryit-input" }, pad.el,
        h("p", { class: "small muted" }, `Draw a ${desc?.label_name || "shape"} with the mouse; it is scaled down to ${shape[0]}×${shape[1]} as the data is.`)));
      return;
    }
    let example = null;
    try {
      const preview = ref ? await previewDataset(ref.id, ref.options) : null;
      if (preview?.sequences?.[0]) example = preview.sequences[0].tokens ?? preview.sequences[0].values;
      else if (preview?.rows?.[0] && desc?.source !== "upload") example = preview.rows[0].slice(0, shape[0]);
    } catch {
      example = null;
    }
    if (!example) example = zeros(shape);
    const json = createJsonInput(example, (inst) => compare([inst], "your input"));
    input = json;
    tryBody.replaceChildren(h("div", { class: "tryit-input" }, json.el, h("p", { class: "small muted" }, `One instance of shape (${shape.join(", ")}) as JSON; pre-filled with an example from the data.`)));
  }

  function zeros(shape) {
    return shape.length ? Array.from({ length: shape[0] }, () => zeros(shape.slice(1))) : 0;
  }

  async function serverPredict(id, epoch, instances) {
    const base = `/v1/models/${encodeURIComponent(id)}`;
    const paths = epoch ? [`${base}/versions/${epoch}:predict`, `${base}:predict`] : [`${base}:predict`];
    let last = null;
    for (const path of paths) {
      const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ instances }) });
      const body = await response.json().catch(() => ({}));
      if (response.ok) return body.predictions;
      last = new Error(body.error || `HTTP ${response.status}`);
      if (response.status !== 404) break;
    }
    throw last;
  }

  let compareSeq = 0;
  async function compare(instances, label) {
    if (!loaded) return;
    const mine = (compareSeq += 1);
    const { runId: id, epoch } = loaded;
    const run = runs.find((r) => r.id === id);
    const classNames = run?.summary?.plan?.class_names || null;
    results.classList.add("is-busy");
    let local;
    let remote;
    let remoteError = null;
    try {
      [local, remote] = await Promise.all([
        predictTfjs(loaded.tf, loaded.model, instances),
        serverPredict(id, epoch, instances).catch((err) => {
          remoteError = err;
          return null;
        }),
      ]);
    } catch (err) {
      results.replaceChildren(h("div", { class: "notice notice-error" }, `tfjs could not predict: ${err.message}`));
      results.classList.remove("is-busy");
      return;
    }
    if (mine !== compareSeq) return;
    results.classList.remove("is-busy");
    const a = flatten(local[0]);
    const b = remote ? flatten(remote[0]) : null;
    const diff = b ? Math.max(...a.map((v, i) => Math.abs(v - b[i]))) : null;
    const verdict = (vec) => {
      if (!vec) return "";
      const { value, kind } = readOutput(vec.length === 1 ? vec : vec);
      if (kind === "class") return `class ${classNames?.[value] ?? value}`;
      if (vec.length <= 2 && classNames) return `class ${classNames[value >= 0.5 ? 1 : 0] ?? (value >= 0.5 ? 1 : 0)} (p=${value.toFixed(3)})`;
      return "";
    };
    const cells = (vec) => (vec ? vec.map(fmtNum).join(", ") : "–");
    results.replaceChildren(...[h("table", {
      class: "tryit-table",
      dataset: { input: JSON.stringify(instances[0]), epoch: String(epoch ?? ""), tfjs: JSON.stringify(a), server: JSON.stringify(b), maxDiff: diff === null ? "" : String(diff) },
    },
    h("caption", { class: "small muted" }, `Input: ${label}`),
    h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", { scope: "col" }, "output"), h("th", { scope: "col" }, "reads as"))),
    h("tbody", {},
      h("tr", { class: "tryit-tfjs" }, h("th", { scope: "row" }, "tfjs (this page)"), h("td", { class: "num" }, cells(a)), h("td", {}, verdict(a))),
      h("tr", { class: "tryit-server" }, h("th", { scope: "row" }, "server"), h("td", { class: "num" }, remote ? cells(b) : remoteError?.message ?? "–"), h("td", {}, verdict(b))))),
    diff === null ? null : h("div", { class: `tryit-diff ${diff <= 1e-5 ? "is-ok" : "is-bad"}` },
      diff <= 1e-5 ? "✓ same prediction" : "✗ predictions differ", h("span", { class: "small muted" }, ` — max |difference| ${diff.toExponential(2)}`)),
    ].filter(Boolean));
  }

  picker.addEventListener("change", () => {
    runId = picker.value;
    followTrain = runId === store.get().train?.runId;
    refreshRun();
  });
  store.watch((s) => s.train?.runId, (id) => {
    if (id && followTrain && visible && id !== runId) refreshRuns();
  });
  store.watch((s) => s.train?.status, (status) => {
    if (visible && status && !isLive(status)) refreshRuns();
  });

  app.exportPanel = { compare: (instances, label = "test") => compare(instances, label), loaded: () => loaded };

  return {
    show() {
      visible = true;
      refreshRuns();
    },
    hide() {
      visible = false;
    },
  };
}
