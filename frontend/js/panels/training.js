// The Train panel (issue 6 "Training"): hyperparameters, Train / Pause / Resume / Step / Stop, the
// learning rate editable while a run trains, live plotly charts of loss and metrics from the
// Socket.IO stream (smoothing, log scale, CSV), the decision boundary for 2-D data, the confusion
// matrix, per-layer norms, and the run history with comparison, continue and fork.
//
// The viewed run is remembered in localStorage: a reload replays its whole event log (subscribe
// with since=0) and goes on live; a dropped socket resubscribes from the last seq (live/socket.js).

import { nodeByName } from "../graph/graph.js";
import { h } from "../format.js";
import { createBoundaryChart } from "../charts/boundary.js";
import { renderConfusion } from "../charts/confusion.js";
import { createMetricChart, metricTitle } from "../charts/metrics.js";
import { renderNorms } from "../charts/norms.js";
import { loadPlotly } from "../charts/plotly.js";
import { downloadText } from "../charts/smoothing.js";
import { datasetPoints, datasetRef, describeDataset } from "../data/datasets.js";
import { liveOf } from "../live/socket.js";
import { createCompareChart } from "../runs/compare.js";
import { datasetLabel } from "../runs/format.js";
import { createRunList } from "../runs/runlist.js";
import { applyEvent, createRunView, isLive, metricNames, toCsv } from "../runs/runview.js";
import { toast, toastError } from "../toast.js";
import { createControls } from "../training/controls.js";
import { renderFitNotice } from "../training/fit.js";
import { createTrainingForm } from "../training/form.js";

const VIEW_KEY = "tapestudio.train.run";
const REDRAW_MS = 200;
const MAX_METRIC_CHARTS = 4;

function card(title, cls, ...children) {
  return h("section", { class: `tcard ${cls}` }, h("h3", { class: "tcard-title" }, title), ...children);
}

/** Mount the Train panel. */
export function mount(root, store, app) {
  const live = liveOf(app);
  const views = new Map();
  let view = null;            // the run view on screen
  let visible = false;
  let trainClickedAt = null;
  let projectDescriptor = null;

  // ---- layout
  const side = h("aside", { class: "train-side" });
  const controlsBox = h("div", { class: "train-controls" });
  const dataLine = h("div", { class: "train-data small" });
  const formBox = h("div", { class: "train-form-box" });
  const errorBox = h("div", { class: "notice notice-error train-error", role: "alert", hidden: true });
  const fitBox = h("div", { class: "notice notice-suggest fit-notice", id: "train-fit", role: "status", hidden: true });
  side.append(controlsBox, errorBox, dataLine, fitBox, formBox);

  const smoothing = h("input", { type: "range", id: "train-smoothing", min: "0", max: "0.99", step: "0.01", value: "0.6", "aria-label": "Smoothing" });
  const smoothingValue = h("output", { for: "train-smoothing", class: "small muted num" }, "0.60");
  const logScale = h("input", { type: "checkbox", id: "train-log" });
  const csv = h("button", { type: "button", class: "btn btn-small", id: "train-csv", disabled: true, title: "Download every point of the run as CSV" }, "CSV");
  const toolbar = h("div", { class: "train-toolbar" },
    h("label", { class: "tool", for: "train-smoothing" }, "Smoothing", smoothing, smoothingValue),
    h("label", { class: "tool", for: "train-log" }, logScale, "Log scale"),
    csv);
  const metricsBox = h("div", { class: "metric-cards" });
  const boundaryEl = h("div", { class: "chart chart-boundary", id: "chart-boundary" });
  const boundaryCard = card("Decision boundary", "tcard-boundary", boundaryEl);
  const confusionEl = h("div", { class: "confusion", id: "confusion" });
  const confusionCard = card("Confusion matrix", "tcard-confusion", confusionEl);
  const normsEl = h("div", { class: "norms", id: "norms" });
  const normsCard = card("Weight / gradient norms", "tcard-norms", normsEl);
  const runsEl = h("div", { class: "runs", id: "runs" });
  const compareEl = h("div", { class: "chart chart-compare", id: "chart-compare" });
  const compareBox = h("div", { class: "compare-box", hidden: true }, h("div", { class: "small muted" }, "Loss per epoch of the ticked runs (dashed: validation)"), compareEl);
  const runsCard = card("Runs", "tcard-runs", runsEl, compareBox);
  const emptyState = h("div", { class: "train-empty" },
    h("p", {}, "Press ", h("strong", {}, "Train"), " to start a run: loss and metrics stream in here live, with the decision boundary for 2-D data."));
  const cards = h("div", { class: "train-cards" }, emptyState, metricsBox, boundaryCard, confusionCard, normsCard, runsCard);
  const main = h("div", { class: "train-main" }, toolbar, cards);
  root.append(h("div", { class: "train-layout" }, side, main));

  // ---- parts
  const controls = createControls(controlsBox, { train, pause: () => control("pause"), resume: () => control("resume"), step: () => control("step"), stop: () => control("stop") });
  const form = createTrainingForm(formBox, store, { onLiveLearningRate: setLearningRate });
  const boundary = createBoundaryChart(boundaryEl);
  const compare = createCompareChart(compareEl);
  const metricCharts = new Map();
  const runList = createRunList(runsEl, app, {
    view: (id) => viewRun(id),
    continueRun: (id) => lifecycle(id, "continue"),
    fork: (id) => lifecycle(id, "fork"),
    compareChanged: () => drawCompare(),
    refreshed: () => drawCompare(),
  });
  live.onState((state, detail) => controls.setConnection(state, detail));
  controls.setConnection(live.state());

  // ---- project data + settings
  function showError(message) {
    errorBox.hidden = !message;
    errorBox.textContent = message || "";
  }

  async function refreshDataset() {
    const ref = datasetRef(store.get().project.dataset);
    projectDescriptor = null;
    if (ref) {
      try {
        projectDescriptor = await describeDataset(ref.id);
      } catch {
        projectDescriptor = null;
      }
    }
    form.render(projectDescriptor);
    dataLine.replaceChildren(...[
      h("span", { class: "muted" }, "Data: "),
      ref ? h("strong", {}, datasetLabel(ref)) : h("span", { class: "muted" }, "none chosen"),
      projectDescriptor ? h("span", { class: "muted" }, ` · ${projectDescriptor.task}, ${projectDescriptor.size} examples`) : null,
      " ", h("button", { type: "button", class: "link", onclick: () => app.showTab("data") }, ref ? "change" : "choose"),
    ].filter(Boolean));
    renderFitNotice(fitBox, app, projectDescriptor);
  }
  store.watch((s) => s.project.dataset, refreshDataset, { now: true });
  store.watch((s) => s.validation, () => renderFitNotice(fitBox, app, projectDescriptor));

  // ---- drawing
  let redrawTimer = null;
  let drawnVersion = -1;
  let drawnRun = null;
  let lastRedraw = -Infinity;
  /** Redraw at most every REDRAW_MS; the first change after a quiet spell draws at once. */
  function scheduleRedraw() {
    if (redrawTimer) return;
    const wait = Math.max(0, lastRedraw + REDRAW_MS - performance.now());
    redrawTimer = setTimeout(() => {
      redrawTimer = null;
      lastRedraw = performance.now();
      redraw();
    }, wait);
  }

  function ensureMetricCharts(names) {
    for (const name of names.slice(0, MAX_METRIC_CHARTS)) {
      if (metricCharts.has(name)) continue;
      const el = h("div", { class: "chart chart-metric", id: `chart-${name}`, dataset: { metric: name } });
      const c = card(metricTitle(name), `tcard-metric tcard-${name}`, el);
      metricsBox.append(c);
      metricCharts.set(name, { chart: createMetricChart(el, name), card: c });
    }
    for (const [name, m] of metricCharts) m.card.hidden = !names.includes(name);
    metricsBox.hidden = false;
  }

  let boundaryPoints = null;
  let boundaryFor = null;
  async function loadBoundaryPoints(v) {
    const ref = datasetRef(v.run?.dataset);
    const key = v.id;
    if (!ref || boundaryFor === key) return;
    boundaryFor = key;
    boundaryPoints = null;
    try {
      const desc = await describeDataset(ref.id);
      if (desc?.kind === "points") boundaryPoints = await datasetPoints(ref, v.run?.config?.validation_split ?? 0);
    } catch {
      boundaryPoints = null;
    }
    if (view === v) {
      drawnVersion = -1;
      scheduleRedraw();
    }
  }

  function redraw() {
    const v = view;
    controls.render(v);
    form.setLive(Boolean(v && isLive(v.status)), v?.learningRate ?? null);
    emptyState.hidden = Boolean(v);
    csv.disabled = !v || !v.points;
    // While the viewed run is live, the Train tab says so (the user may be on another tab).
    app.setTabBadge?.("train", v && isLive(v.status) ? v.status : "", v?.status === "paused" ? "" : "live");
    const summary = { runId: v?.id ?? null, status: v?.status ?? null, epoch: v?.epoch ?? 0, step: v?.step ?? 0, points: v?.points ?? 0 };
    const prev = store.get().train || {};
    if (Object.keys(summary).some((k) => prev[k] !== summary[k])) store.update("train", summary, "train view");
    if (v) {
      runList.patch(v.id, { status: v.status, epoch: v.epoch, step: v.step });
      if (v.firstPointAt !== null && trainClickedAt !== null && v.id === app.trainTimings?.run && app.trainTimings.firstPointMs === null) {
        app.trainTimings.firstPointMs = Math.round(v.firstPointAt - trainClickedAt);
      }
    }
    if (!visible) return;
    if (v && v.version === drawnVersion && drawnRun === v.id) return;
    drawnVersion = v?.version ?? -1;
    drawnRun = v?.id ?? null;
    const opts = { smoothing: Number(smoothing.value), log: logScale.checked };
    // The loss chart always exists (created empty before any run, so that plotly's first-time
    // setup is not paid when the first points arrive); it is drawn first, the others after it.
    const names = v ? metricNames(v) : [];
    ensureMetricCharts(names.includes("loss") ? names : ["loss", ...names]);
    const loss = metricCharts.get("loss");
    const t = app.trainTimings;
    const lossDrawn = loss.chart.update(v, opts).then(() => {
      if (v && t && t.run === v.id && t.firstDrawnMs === null && v.points > 0) {
        t.firstDrawnMs = Math.round(performance.now() - t.clickedAt);
      }
    });
    const twoD = Boolean(v && (v.boundary || boundaryPoints));
    boundaryCard.hidden = !twoD;
    lossDrawn.then(() => {
      for (const [name, m] of metricCharts) if (name !== "loss" && !m.card.hidden) m.chart.update(v, opts);
      if (twoD) boundary.update(v.boundary, boundaryPoints, v.run?.summary?.plan?.task);
    });
    const classification = Boolean(v && (v.confusion || v.run?.summary?.plan?.task === "classification"));
    confusionCard.hidden = !classification;
    if (classification) renderConfusion(confusionEl, v.confusion);
    normsCard.hidden = !v;
    if (v) renderNorms(normsEl, v.norms);
  }

  function redrawCharts() {
    drawnVersion = -1;
    redraw();
  }
  smoothing.addEventListener("input", () => {
    smoothingValue.textContent = Number(smoothing.value).toFixed(2);
    redrawCharts();
  });
  logScale.addEventListener("change", () => {
    redrawCharts();
    drawCompare();
  });
  csv.addEventListener("click", () => {
    if (view) downloadText(`${view.run?.name || view.id}-metrics.csv`.replace(/[^\w.-]+/g, "_"), toCsv(view));
  });

  // ---- viewing a run
  function onEvent(v) {
    return (event, message) => {
      if (event === "subscribe_error") {
        toast(`Live updates for run ${v.id} are unavailable: ${message.error}`, { kind: "error" });
        return;
      }
      if (event === "subscribed") return;
      if (!applyEvent(v, event, message)) return;
      if (event === "status" && !isLive(message.status)) refreshRun(v);
      if (v === view) scheduleRedraw();
    };
  }

  async function refreshRun(v) {
    try {
      v.run = await app.api.get(`/api/runs/${encodeURIComponent(v.id)}`);
      if (Number.isFinite(v.run.epochs)) v.epochs = v.run.epochs;
      v.version += 1;
      if (v === view) scheduleRedraw();
    } catch {
      /* the run may have been deleted: the list refresh says so */
    }
  }

  /** Show run `id` (replaying its events) and follow it live. */
  async function viewRun(id, run = null) {
    if (view && view.id !== id) live.unsubscribe(view.id);
    let v = views.get(id);
    if (!v) {
      v = createRunView(id, run);
      views.set(id, v);
    }
    view = v;
    try {
      localStorage.setItem(VIEW_KEY, id);
    } catch {
      /* private mode: no resume after reload */
    }
    runList.setViewing(id);
    live.subscribe(id, onEvent(v), { since: v.lastSeq });
    drawnVersion = -1;
    redraw();
    if (!v.run || !v.run.model) {
      try {
        v.run = await app.api.get(`/api/runs/${encodeURIComponent(id)}`);
        if (Number.isFinite(v.run.epochs)) v.epochs = v.run.epochs;
        if (v.status === null) v.status = v.run.status;
        v.version += 1;
      } catch (err) {
        if (err.status === 404) {
          views.delete(id);
          if (view === v) {
            view = null;
            live.unsubscribe(id);
            localStorage.removeItem(VIEW_KEY);
          }
          redraw();
          return;
        }
        toastError(err, "Could not read the run");
      }
    }
    loadBoundaryPoints(v);
    scheduleRedraw();
  }

  // ---- actions
  async function train() {
    showError("");
    const config = form.read();
    if (!config) {
      showError("Fix the highlighted settings first.");
      return;
    }
    const ref = datasetRef(store.get().project.dataset);
    if (!ref) {
      showError("Choose a dataset first (Data tab).");
      return;
    }
    const state = store.get();
    if (!state.graph.nodes.length) {
      showError("The model is empty: add layers or load a template first.");
      return;
    }
    const body = { model: app.getModel(), dataset: ref.options && Object.keys(ref.options).length ? ref : ref.id, config };
    if (state.project.id) body.project_id = state.project.id;
    controls.busy(true);
    trainClickedAt = performance.now();
    try {
      const run = await app.api.post("/api/runs", body);
      // Time from pressing Train to the first point received / drawn (shown nowhere; measured by the tests).
      app.trainTimings = { run: run.id, clickedAt: trainClickedAt, firstPointMs: null, firstDrawnMs: null };
      if (store.get().ui.dock === "open") store.update("ui", { dock: "max" });
      await viewRun(run.id, run);
      runList.refresh();
    } catch (err) {
      showError(err.message);
      const layer = err.details?.layer;
      const node = layer ? nodeByName(store.get().graph, layer) : null;
      if (node) {
        app.commands.select([node.id]);
        app.canvas?.reveal?.([node.id]);
      }
    } finally {
      controls.busy(false);
      redraw();
    }
  }

  async function control(action) {
    if (!view) return;
    const v = view;
    controls.busy(true);
    try {
      const run = await app.api.post(`/api/runs/${encodeURIComponent(v.id)}/${action}`);
      // The events say the same a moment later; the answer is already the state after the action.
      if (Number.isInteger(run.step) && run.step > v.step) v.step = run.step;
      if (run.status && (action !== "step" || !isLive(v.status))) v.status = run.status;
      v.version += 1;
    } catch (err) {
      toastError(err, `Could not ${action} the run`);
    } finally {
      controls.busy(false);
      scheduleRedraw();
    }
  }

  async function setLearningRate(value) {
    if (!view || !isLive(view.status)) return;
    try {
      const run = await app.api.patch(`/api/runs/${encodeURIComponent(view.id)}`, { learning_rate: value });
      if (Number.isFinite(run.learning_rate)) view.learningRate = run.learning_rate;
      toast(`Learning rate ${value} applies from the next batch.`, { kind: "success" });
      scheduleRedraw();
    } catch (err) {
      toastError(err, "Could not change the learning rate");
    }
  }

  async function lifecycle(id, action) {
    try {
      const body = action === "fork" ? (() => {
        const config = form.read();
        return config ? { config } : {};
      })() : {};
      const run = await app.api.post(`/api/runs/${encodeURIComponent(id)}/${action}`, body);
      toast(action === "fork" ? `Forked into "${run.name}".` : `Run "${run.name}" continues.`, { kind: "success" });
      await viewRun(run.id, run);
      runList.refresh();
    } catch (err) {
      toastError(err, `Could not ${action} the run`);
    }
  }

  function drawCompare() {
    const ids = runList.compared();
    compareBox.hidden = ids.length === 0;
    if (!ids.length || !visible) return;
    const runs = runList.runs().filter((r) => ids.includes(r.id));
    compare.update(runs, { log: logScale.checked });
  }

  // ---- start: resume the run viewed before the reload
  runList.refresh();
  const remembered = (() => {
    try {
      return localStorage.getItem(VIEW_KEY);
    } catch {
      return null;
    }
  })();
  if (remembered) {
    // A reload during a live run brings the user back to its dashboard, not to the Summary tab.
    viewRun(remembered).then(() => {
      if (view?.id === remembered && isLive(view.status)) app.showTab?.("train");
    });
  } else redraw();

  app.training = { viewRun, views: () => views, current: () => view, runList };
  // plotly.js is 3.5 MB: fetch and parse it while the user builds, not when the first point lands.
  (window.requestIdleCallback || setTimeout)(() => loadPlotly().catch(() => {}), { timeout: 3000 });

  return {
    show() {
      visible = true;
      runList.refresh();
      redrawCharts();
      requestAnimationFrame(() => {
        for (const m of metricCharts.values()) m.chart.resize();
        boundary.resize();
        compare.resize();
      });
    },
    hide() {
      visible = false;
    },
  };
}
