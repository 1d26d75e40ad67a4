// Per-layer weight and gradient norms ("norms" events) as a small table with inline bars: a layer
// whose gradient norm is ~0 (dead) or huge (exploding) stands out.

import { h } from "../format.js";

const fmt = (v) => (v === null || v === undefined ? "–" : Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toPrecision(3));

function bar(value, max, cls) {
  const width = value === null || !(max > 0) ? 0 : Math.max(1.5, (100 * value) / max);
  return h("div", { class: "norm-cell" },
    h("div", { class: `norm-bar ${cls}`, style: `width: ${width.toFixed(1)}%` }),
    h("span", { class: "norm-value" }, fmt(value)));
}

/** Render `message` (or an empty state) into `el`. */
export function renderNorms(el, message) {
  if (!message || !message.layers?.length) {
    el.replaceChildren(h("p", { class: "muted small chart-empty" }, "Weight and gradient norms per layer appear after the first epoch."));
    delete el.dataset.epoch;
    return;
  }
  const maxW = Math.max(...message.layers.map((l) => l.weight_norm ?? 0));
  const maxG = Math.max(...message.layers.map((l) => l.grad_norm ?? 0));
  el.replaceChildren(
    h("div", { class: "small muted" }, `epoch ${message.epoch} · L2 norms (gradients of the loss on a probe batch)`),
    h("table", { class: "norms-table" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "layer"), h("th", { scope: "col" }, "‖weights‖"), h("th", { scope: "col" }, "‖gradient‖"))),
      h("tbody", {}, message.layers.map((l) => h("tr", { dataset: { layer: l.name } },
        h("th", { scope: "row" }, l.name), h("td", {}, bar(l.weight_norm, maxW, "norm-w")), h("td", {}, bar(l.grad_norm, maxG, "norm-g")))))));
  el.dataset.epoch = String(message.epoch);
}
