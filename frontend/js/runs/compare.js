// The run comparison: several runs' per-epoch loss (solid) and validation loss (dashed) on one
// chart, from each run's stored history.

import { autoResize, baseLayout, latestOnly, loadPlotly, PLOT_CONFIG, RUN_COLORS } from "../charts/plotly.js";

/** A comparison chart in `el`; `update(runs, {log})` with the runs' JSON (name, history). */
export function createCompareChart(el) {
  autoResize(el);
  let Plotly = null;
  let drawn = false;
  const draw = latestOnly(async (runs, { log = false } = {}) => {
    Plotly = Plotly || (await loadPlotly());
    const data = [];
    runs.forEach((run, i) => {
      const color = RUN_COLORS[i % RUN_COLORS.length];
      const hist = run.history || {};
      for (const [key, dash] of [["loss", "solid"], ["val_loss", "dash"]]) {
        const ys = hist[key];
        if (!Array.isArray(ys) || !ys.length) continue;
        data.push({
          type: "scatter", mode: "lines+markers", name: `${run.name} ${key === "loss" ? "" : "(val)"}`.trim(),
          x: ys.map((_, e) => e + 1), y: ys, line: { color, dash, width: 1.8 }, marker: { size: 4, color },
          hovertemplate: `epoch %{x}: %{y:.4g}<extra>${run.name} ${key}</extra>`,
        });
      }
    });
    const layout = baseLayout({
      xaxis: { ...baseLayout().xaxis, title: { text: "epoch", standoff: 4 } },
      yaxis: { ...baseLayout().yaxis, type: log ? "log" : "linear" },
      datarevision: runs.map((r) => `${r.id}:${(r.history?.loss || []).length}`).join("|"),
    });
    await Plotly.react(el, data, layout, PLOT_CONFIG);
    drawn = true;
    el.dataset.runs = String(runs.length);
    el.dataset.traces = String(data.length);
  });
  return {
    update: draw,
    resize() {
      if (drawn && Plotly && el.offsetParent) Plotly.Plots.resize(el);
    },
  };
}
