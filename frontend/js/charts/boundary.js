// The decision boundary of a model with 2-D input, as TensorFlow Playground draws it: a heat map of
// the model's output over the plane ("boundary" events: x_range, y_range, resolution, values[row][col]
// with row ↔ y) and the data points over it (training points outlined white, validation black).

import { autoResize, baseLayout, classColor, DIVERGING, latestOnly, loadPlotly, PLOT_CONFIG } from "./plotly.js";

function axis(range, res) {
  const [lo, hi] = range;
  const step = res > 1 ? (hi - lo) / (res - 1) : 1;
  return { lo, step };
}

function heatmap(b, task) {
  const x = axis(b.x_range, b.resolution);
  const y = axis(b.y_range, b.resolution);
  const common = { type: "heatmap", z: b.values, x0: x.lo, dx: x.step, y0: y.lo, dy: y.step, zsmooth: "fast", showscale: false, hoverinfo: "skip" };
  if (b.kind === "class") {
    const k = Math.max(2, ...b.values.flat().filter(Number.isFinite).map((v) => v + 1));
    const scale = [];
    for (let i = 0; i < k; i += 1) {
      scale.push([i / k, classColor(i)], [(i + 1) / k, classColor(i)]);
    }
    return { ...common, zsmooth: false, zmin: -0.5, zmax: k - 0.5, colorscale: scale, opacity: 0.45 };
  }
  if (b.kind === "value" || task === "regression") {
    const flat = b.values.flat().filter(Number.isFinite);
    const lo = Math.min(...flat);
    const hi = Math.max(...flat);
    return { ...common, zmin: lo, zmax: hi > lo ? hi : lo + 1, colorscale: DIVERGING, opacity: 0.8 };
  }
  return { ...common, zmin: 0, zmax: 1, colorscale: DIVERGING, opacity: 0.8 };
}

/** Scatter traces of `points` ({x: [[x1, x2]], y, task, valStart}) split into train / validation. */
export function pointTraces(points, { showVal = true } = {}) {
  if (!points || !points.x?.length) return [];
  const out = [];
  const regression = points.task === "regression";
  const parts = [["train", 0, points.valStart ?? points.x.length, "#ffffff"]];
  if (showVal && points.valStart < points.x.length) parts.push(["validation", points.valStart, points.x.length, "#1d2733"]);
  for (const [label, from, to, outline] of parts) {
    const xs = points.x.slice(from, to);
    const ys = points.y.slice(from, to);
    if (!xs.length) continue;
    out.push({
      type: "scatter", mode: "markers", name: label, x: xs.map((p) => p[0]), y: xs.map((p) => p[1]),
      marker: regression
        ? { size: 5.5, color: ys, colorscale: DIVERGING, line: { color: outline, width: 0.8 } }
        : { size: 5.5, color: ys.map(classColor), line: { color: outline, width: 0.8 } },
      hovertemplate: `(%{x:.2f}, %{y:.2f})<extra>${label}</extra>`,
    });
  }
  return out;
}

/** A boundary chart in `el`; `update(boundary, points, task)`. */
export function createBoundaryChart(el) {
  autoResize(el);
  let Plotly = null;
  let drawn = false;
  const draw = latestOnly(async (boundary, points, task) => {
    Plotly = Plotly || (await loadPlotly());
    const data = [];
    if (boundary) data.push(heatmap(boundary, task));
    data.push(...pointTraces(points));
    const range = (r) => (r ? [r[0], r[1]] : undefined);
    const layout = baseLayout({
      margin: { l: 34, r: 8, t: 6, b: 26 },
      showlegend: false,
      datarevision: `${boundary?.run}:${boundary?.seq}:${points?.x?.length}`,
      uirevision: boundary?.run ?? "none",
      xaxis: { ...baseLayout().xaxis, range: range(boundary?.x_range), showgrid: false, constrain: "domain" },
      yaxis: { ...baseLayout().yaxis, range: range(boundary?.y_range), showgrid: false, scaleanchor: "x", constrain: "domain" },
    });
    await Plotly.react(el, data, layout, PLOT_CONFIG);
    drawn = true;
    el.dataset.epoch = boundary ? String(boundary.epoch) : "";
    el.dataset.seq = boundary ? String(boundary.seq) : "";
  });
  return {
    update: draw,
    resize() {
      if (drawn && Plotly && el.offsetParent) Plotly.Plots.resize(el);
    },
  };
}
