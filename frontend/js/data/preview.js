// Dataset previews by kind (GET /api/datasets/{id}/preview): a scatter plot for 2-D points, an
// image grid for images, a table for tables and uploads, sentences for text, sparklines for
// numeric sequences. Each renderer fills `el` and returns nothing.

import { pointTraces } from "../charts/boundary.js";
import { autoResize, baseLayout, classColor, loadPlotly, PLOT_CONFIG } from "../charts/plotly.js";
import { h, s } from "../format.js";

const labelOf = (preview, value) => (preview.class_names && Number.isInteger(value) ? preview.class_names[value] ?? value : value);

async function scatter(el, preview) {
  const Plotly = await loadPlotly();
  const plot = h("div", { class: "chart chart-preview", id: "data-scatter" });
  el.replaceChildren(plot);
  const traces = pointTraces({ x: preview.x, y: preview.y, task: preview.task, valStart: preview.x.length });
  if (traces[0]) traces[0].name = "examples";
  await Plotly.react(plot, traces, baseLayout({
    margin: { l: 34, r: 8, t: 6, b: 26 }, showlegend: false,
    xaxis: { ...baseLayout().xaxis, title: { text: preview.feature_names?.[0] ?? "x1", standoff: 2 }, constrain: "domain" },
    yaxis: { ...baseLayout().yaxis, title: { text: preview.feature_names?.[1] ?? "x2", standoff: 2 }, scaleanchor: "x", constrain: "domain" },
  }), PLOT_CONFIG);
  plot.dataset.points = String(preview.x.length);
  autoResize(plot);
}

function imageCanvas(image, range) {
  const rows = image.length;
  const cols = image[0].length;
  const channels = Array.isArray(image[0][0]) ? image[0][0].length : 1;
  const canvas = h("canvas", { width: cols, height: rows, class: "data-image" });
  const ctx = canvas.getContext("2d");
  const data = ctx.createImageData(cols, rows);
  const [lo, hi] = range && range[1] > range[0] ? range : [0, 1];
  const scale = (v) => Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo))));
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) {
      const px = image[r][c];
      const i = 4 * (r * cols + c);
      if (channels >= 3) [data.data[i], data.data[i + 1], data.data[i + 2]] = [scale(px[0]), scale(px[1]), scale(px[2])];
      else {
        const g = 255 - scale(channels === 1 && Array.isArray(px) ? px[0] : px);  // ink is dark
        data.data[i] = data.data[i + 1] = data.data[i + 2] = g;
      }
      data.data[i + 3] = 255;
    }
  }
  ctx.putImageData(data, 0, 0);
  return canvas;
}

function images(el, preview) {
  el.replaceChildren(h("div", { class: "image-grid", id: "data-images" }, preview.images.map((img, i) =>
    h("figure", { class: "image-cell" }, imageCanvas(img, preview.value_range),
      h("figcaption", {}, String(preview.label_names?.[i] ?? labelOf(preview, preview.labels[i])))))));
}

function table(el, preview) {
  const label = preview.label_column;
  el.replaceChildren(h("div", { class: "table-scroll" }, h("table", { class: "data-table", id: "data-table" },
    h("thead", {}, h("tr", {}, preview.columns.map((c) => h("th", { scope: "col", class: c === label ? "is-label" : "" }, c)))),
    h("tbody", {}, preview.rows.map((row) => h("tr", {}, row.map((v, j) => h("td", {
      class: `${preview.columns[j] === label ? "is-label" : ""}${typeof v === "number" ? " num" : ""}${v === null ? " is-missing" : ""}`,
    }, v === null ? "–" : String(v)))))))));
}

function sentences(el, preview) {
  el.replaceChildren(h("ul", { class: "sentence-list", id: "data-sentences" }, preview.sequences.map((seq) =>
    h("li", {}, h("span", { class: "pill", style: `background: ${classColor(seq.label)}22; color: ${classColor(seq.label)}` }, String(seq.label_name ?? seq.label)),
      h("span", { class: "sentence" }, seq.text)))));
}

function sparkline(values, color) {
  const flat = values.map((v) => (Array.isArray(v) ? v[0] : v));
  const lo = Math.min(...flat);
  const hi = Math.max(...flat);
  const w = 160;
  const ht = 36;
  const pts = flat.map((v, i) => `${((i / Math.max(1, flat.length - 1)) * w).toFixed(1)},${(ht - 2 - ((v - lo) / (hi - lo || 1)) * (ht - 4)).toFixed(1)}`).join(" ");
  const svg = s("svg", { viewBox: `0 0 ${w} ${ht}`, width: w, height: ht, class: "sparkline" });
  svg.append(s("polyline", { points: pts, fill: "none", stroke: color, "stroke-width": 1.6 }));
  return svg;
}

function sequences(el, preview) {
  el.replaceChildren(h("div", { class: "sequence-grid", id: "data-sequences" }, preview.sequences.map((seq) =>
    h("figure", { class: "sequence-cell" }, sparkline(seq.values, classColor(seq.label)),
      h("figcaption", {}, String(seq.label_name ?? seq.label))))));
}

/** Draw `preview` in `el` according to its kind. */
export async function renderPreview(el, preview) {
  el.dataset.kind = preview.kind;
  if (preview.kind === "points") await scatter(el, preview);
  else if (preview.kind === "image") images(el, preview);
  else if (preview.kind === "text") sentences(el, preview);
  else if (preview.kind === "sequence") sequences(el, preview);
  else table(el, preview);
}

/** One line about the preview: how many shown, class balance or target range. */
export function previewSummary(preview) {
  const parts = [`${preview.shown.toLocaleString("en-US")} of ${preview.total.toLocaleString("en-US")} examples shown`];
  if (preview.class_counts && preview.class_names) {
    parts.push(preview.class_counts.map((n, i) => `${preview.class_names[i] ?? i}: ${n}`).join(" · "));
  } else if (preview.target_range) {
    parts.push(`target from ${preview.target_range[0].toFixed(3)} to ${preview.target_range[1].toFixed(3)}`);
  }
  return parts.join(" — ");
}
