// A live line chart of one metric (loss, accuracy, mae, ...): training per step (raw, faint, plus
// the smoothed curve), training and validation per epoch (markers at the step that ended the epoch).

import { autoResize, baseLayout, latestOnly, loadPlotly, PLOT_CONFIG, SERIES } from "./plotly.js";
import { smooth } from "./smoothing.js";

const PRETTY = { loss: "Loss", accuracy: "Accuracy", mae: "Mean abs. error", mse: "Mean sq. error" };
export const metricTitle = (name) => PRETTY[name] || name.replace(/_/g, " ");

/** A chart of metric `name` in `el`; `update(view, {smoothing, log})` redraws it. */
export function createMetricChart(el, name) {
  autoResize(el);
  let Plotly = null;
  let drawn = false;

  function traces(view, { smoothing }) {
    const steps = view.steps;
    const col = steps.cols.get(name) || [];
    const out = [];
    if (col.length) {
      const smoothed = smoothing > 0;
      out.push({
        type: "scatter", mode: "lines", name: smoothed ? "train (raw)" : "train", x: steps.x, y: col,
        line: { color: SERIES.train, width: smoothed ? 1 : 1.6 }, opacity: smoothed ? 0.28 : 1,
        showlegend: !smoothed, hovertemplate: "step %{x}: %{y:.4g}<extra>train</extra>",
      });
      if (smoothed) {
        out.push({
          type: "scatter", mode: "lines", name: "train", x: steps.x, y: smooth(col, smoothing),
          line: { color: SERIES.train, width: 1.8 }, hovertemplate: "step %{x}: %{y:.4g}<extra>train (smoothed)</extra>",
        });
      }
    }
    const ep = view.epochLogs;
    const at = ep.extra;
    const dense = ep.x.length > 60;   // many epochs: lines only, the markers would hide the curve
    const trainEpoch = ep.cols.get(name);
    if (trainEpoch && !dense) {
      out.push({
        type: "scatter", mode: "markers", name: "train (epoch)", x: at, y: trainEpoch, customdata: ep.x,
        marker: { color: SERIES.train, size: 6, symbol: "diamond", line: { color: "#fff", width: 1 } },
        hovertemplate: "epoch %{customdata}: %{y:.4g}<extra>train</extra>",
      });
    }
    const val = ep.cols.get(`val_${name}`);
    if (val) {
      out.push({
        type: "scatter", mode: dense ? "lines" : "lines+markers", name: "validation", x: at, y: val, customdata: ep.x,
        line: { color: SERIES.val, width: 1.8 }, marker: { color: SERIES.val, size: 6 },
        hovertemplate: "epoch %{customdata}: %{y:.4g}<extra>validation</extra>",
      });
    }
    return out;
  }

  const draw = latestOnly(async (view, opts) => {
    Plotly = Plotly || (await loadPlotly());
    const data = view ? traces(view, opts) : [];
    const empty = !data.length;
    const layout = baseLayout({
      uirevision: `${view?.id}-${name}`,
      datarevision: `${view?.id}:${view?.version}:${opts.smoothing}`,
      xaxis: { ...baseLayout().xaxis, title: { text: "step", standoff: 4 }, visible: !empty },
      yaxis: { ...baseLayout().yaxis, type: opts.log ? "log" : "linear", visible: !empty },
      annotations: empty ? [{ text: view ? "waiting for the first batch…" : "no run yet", showarrow: false, font: { color: "#6b7888", size: 12 }, xref: "paper", yref: "paper", x: 0.5, y: 0.5 }] : [],
    });
    await Plotly.react(el, data, layout, PLOT_CONFIG);
    drawn = true;
    el.dataset.points = String(view ? (view.steps.cols.get(name) || []).length : 0);
    el.dataset.epochs = String(view ? view.epochLogs.x.length : 0);
  });

  return {
    name,
    /** Redraw from `view` (a run view) with the dashboard's options; resolves once drawn. */
    update: draw,
    resize() {
      if (drawn && Plotly && el.offsetParent) Plotly.Plots.resize(el);
    },
  };
}
