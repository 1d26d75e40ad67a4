// Live feedback: ~300 ms after every change of the model the graph is sent to
// POST /api/models/validate; the report (per-layer output shapes, parameter counts, errors that
// name the layer, suggestions with fixes) lands in state.validation for the canvas, inspector
// and Summary panel. Only the newest answer counts (older ones are dropped, not aborted).

import { api } from "./api.js";
import { toTopology } from "./graph/document.js";

const DELAY_MS = 300;

/** The validation state for a report (200 body or the 400 "details"). */
export function validationState(status, report, message = "") {
  const layers = Array.isArray(report?.layers) ? report.layers : [];
  const errors = Array.isArray(report?.errors) ? report.errors : [];
  const byName = new Map(layers.map((l) => [l.name, l]));
  const errorsByName = new Map();
  for (const e of errors) {
    if (!e.layer) continue;
    const text = e.field && !String(e.message).includes(e.field) ? `${e.message} (field ${e.field})` : e.message;
    errorsByName.set(e.layer, [...(errorsByName.get(e.layer) || []), text]);
  }
  for (const l of layers) {
    if (l.error && !errorsByName.has(l.name)) errorsByName.set(l.name, [l.error]);
  }
  return {
    status, report, byName, errorsByName, errors,
    suggestions: Array.isArray(report?.suggestions) ? report.suggestions : [],
    message,
  };
}

/** Start validating the graph whenever its document changes (moving nodes doesn't count). */
export function startValidation(app) {
  const { store } = app;
  let timer = null;
  let seq = 0;
  let queued = null;     // the JSON of the last document scheduled for validation

  async function run(topology, mine) {
    timer = null;
    try {
      const report = await api.post("/api/models/validate?report=always", { model: topology });
      if (mine !== seq) return;
      const status = report?.valid === false ? "invalid" : "ok";
      store.set({ validation: validationState(status, report) }, "validation");
    } catch (err) {
      if (mine !== seq) return;
      if (err.status === 400 && err.details && typeof err.details === "object" && Array.isArray(err.details.layers)) {
        const report = { ...err.details };
        if (!Array.isArray(report.errors) || !report.errors.length) report.errors = [{ layer: null, field: null, message: err.message }];
        store.set({ validation: validationState("invalid", report, err.message) }, "validation");
      } else {
        queued = null;   // let the next change retry
        const message = err.status === 400 ? err.message : `Validation unavailable: ${err.message}`;
        const layer = err.details?.layer ?? null;
        store.set({ validation: validationState("error", { layers: [], errors: [{ layer, field: err.details?.field ?? null, message }] }, message) }, "validation");
      }
    }
  }

  function onGraph(graph) {
    if (!graph) return;
    if (!graph.nodes.length) {
      if (timer) clearTimeout(timer);
      timer = null;
      queued = null;
      seq += 1;
      store.set({ validation: validationState("idle", null) }, "validation");
      return;
    }
    const topology = toTopology(graph);
    const body = JSON.stringify(topology);
    if (body === queued) return;
    queued = body;
    const mine = (seq += 1);    // any answer to an older document is dropped from now on
    if (timer) clearTimeout(timer);
    if (store.get().validation.status !== "pending") store.update("validation", { status: "pending" }, "validation");
    timer = setTimeout(() => run(topology, mine), DELAY_MS);
  }

  store.watch((s) => s.graph, onGraph, { now: true });
  return {
    /** Validate again now (e.g. after the server came back). */
    revalidate() {
      queued = null;
      onGraph(store.get().graph);
    },
  };
}
