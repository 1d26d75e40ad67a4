// The confusion matrix ("confusion" events: labels, matrix[true][predicted], split) as a table
// whose cells are shaded by their share of the row; the diagonal (correct) in blue, errors in orange.

import { h } from "../format.js";

/** Render `message` (or an empty state) into `el`. */
export function renderConfusion(el, message) {
  if (!message) {
    el.replaceChildren(h("p", { class: "muted small chart-empty" }, "The confusion matrix appears after the first epoch (classification)."));
    delete el.dataset.epoch;
    return;
  }
  const { labels, matrix } = message;
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const correct = matrix.reduce((a, row, i) => a + (row[i] || 0), 0);
  const head = h("tr", {}, h("th", { class: "cm-corner", scope: "col" }, "true ↓ / predicted →"),
    ...labels.map((l) => h("th", { scope: "col" }, l)));
  const rows = matrix.map((row, i) => {
    const sum = row.reduce((a, b) => a + b, 0) || 1;
    return h("tr", {}, h("th", { scope: "row" }, labels[i]), ...row.map((count, j) => {
      const share = count / sum;
      const rgb = i === j ? "8, 119, 189" : "245, 147, 34";
      return h("td", {
        class: i === j ? "cm-hit" : "cm-miss",
        style: `background: rgba(${rgb}, ${(0.08 + 0.8 * share).toFixed(3)}); color: ${share > 0.55 ? "#fff" : "inherit"}`,
        title: `true ${labels[i]}, predicted ${labels[j]}: ${count} (${(share * 100).toFixed(1)} % of the row)`,
      }, String(count));
    }));
  });
  el.replaceChildren(
    h("div", { class: "cm-caption small muted" },
      `epoch ${message.epoch} · ${message.split || "validation"} set · accuracy ${total ? ((100 * correct) / total).toFixed(1) : "–"} % (${correct}/${total})`),
    h("div", { class: "cm-scroll" }, h("table", { class: "cm-table" }, h("thead", {}, head), h("tbody", {}, rows))));
  el.dataset.epoch = String(message.epoch);
}
