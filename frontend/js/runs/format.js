// How runs read in the UI: status pills, progress, dataset names, times.

import { h } from "../format.js";

const STATUS_CLASS = {
  queued: "pill-pending", running: "pill-run", paused: "pill-warn", completed: "pill-ok",
  stopped: "pill-idle", failed: "pill-bad", interrupted: "pill-warn",
};

/** A status pill (data-status carries the raw status for tests and CSS). */
export function statusPill(status) {
  return h("span", { class: `pill run-status ${STATUS_CLASS[status] || ""}`, dataset: { status: status || "none" } }, status || "—");
}

/** "spiral" / "spiral (noise 0.2)" from a run's dataset JSON. */
export function datasetLabel(dataset) {
  if (!dataset) return "";
  if (typeof dataset === "string") return dataset;
  const opts = Object.entries(dataset.options || {}).map(([k, v]) => `${k} ${v}`);
  return opts.length ? `${dataset.id} (${opts.join(", ")})` : dataset.id;
}

/** Last finite value of a history series. */
export function lastValue(series) {
  if (!Array.isArray(series)) return null;
  for (let i = series.length - 1; i >= 0; i -= 1) if (Number.isFinite(series[i])) return series[i];
  return null;
}

/** A number for a table cell. */
export const short = (v) => (v === null || v === undefined || !Number.isFinite(v) ? "–" : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** Unix seconds → "14:03" today, else a short date. */
export function when(ts) {
  if (!Number.isFinite(ts)) return "";
  const d = new Date(ts * 1000);
  const today = new Date();
  return d.toDateString() === today.toDateString()
    ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : d.toLocaleDateString([], { month: "short", day: "numeric" });
}
