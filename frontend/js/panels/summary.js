// The Summary panel: the server's verdict on the whole model — totals, every error (click to
// select the layer), suggested fixes with one-click "Apply", and the Keras-style summary table.

import { formatCount, h } from "../format.js";
import { nodeByName } from "../graph/graph.js";
import { suggestionRow } from "../inspector.js";

/** Mount the Summary panel. */
export function mount(root, store, app) {
  const head = h("div", { class: "summary-head" });
  const issues = h("div", { class: "summary-issues" });
  const text = h("pre", { class: "summary-text", "aria-label": "Model summary" });
  root.append(h("div", { class: "summary-grid" }, h("div", { class: "summary-side" }, head, issues), text));

  function stat(label, value, cls = "") {
    return h("div", { class: `stat ${cls}` }, h("div", { class: "stat-value" }, value), h("div", { class: "stat-label" }, label));
  }

  function render(state) {
    const v = state.validation;
    const r = v.report;
    const pill = {
      idle: ["Empty model", "pill-idle"], pending: ["Checking…", "pill-pending"], ok: ["Valid", "pill-ok"],
      invalid: [`${v.errors.length} problem${v.errors.length === 1 ? "" : "s"}`, "pill-bad"], error: ["Not checked", "pill-bad"],
    }[v.status] ?? [v.status, ""];
    head.replaceChildren(
      h("div", { class: "summary-status" }, h("span", { class: `pill ${pill[1]}`, "data-status": v.status }, pill[0]),
        h("span", { class: "muted small" }, `${state.graph.nodes.length} layer${state.graph.nodes.length === 1 ? "" : "s"}`)),
      h("div", { class: "stats" },
        stat("total params", r && Number.isFinite(r.total_params) ? formatCount(r.total_params) : "–", "stat-total"),
        stat("trainable", r && Number.isFinite(r.trainable_params) ? formatCount(r.trainable_params) : "–"),
        stat("non-trainable", r && Number.isFinite(r.non_trainable_params) ? formatCount(r.non_trainable_params) : "–")));
    const rows = [];
    for (const e of v.errors) {
      const node = e.layer ? nodeByName(state.graph, e.layer) : null;
      rows.push(h("div", { class: "notice notice-error summary-error" },
        node ? h("button", { type: "button", class: "link", onclick: () => { app.commands.select([node.id]); app.canvas.reveal([node.id]); } }, e.layer) : null,
        node ? ": " : null, e.message));
    }
    for (const sg of v.suggestions) rows.push(suggestionRow(sg, app.commands));
    if (!rows.length && v.status === "ok") rows.push(h("p", { class: "muted" }, "No problems found. Shapes and parameter counts are on every layer."));
    if (v.status === "idle") rows.push(h("p", { class: "muted" }, "Add layers to see the model summary."));
    issues.replaceChildren(...rows);
    text.textContent = r?.summary || (v.status === "pending" ? "Checking the model…" : "");
    app.setTabBadge?.("summary", v.status === "invalid" || v.status === "error" ? String(Math.max(1, v.errors.length)) : "", "bad");
  }

  store.watch((s) => s.validation, () => render(store.get()), { now: true });
  store.watch((s) => s.graph, () => render(store.get()));
}
