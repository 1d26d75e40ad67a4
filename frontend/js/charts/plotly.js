// plotly.js (served by the studio from the installed plotly Python package) and the look shared by
// every chart: fonts, margins, colours (TensorFlow Playground's orange/blue for two classes).

import { loadScript } from "../load-script.js";

/** Resolve with window.Plotly, loading /vendor/plotly.min.js on first use. */
export const loadPlotly = () => loadScript("/vendor/plotly.min.js", "Plotly");

/** Class colours: Playground's orange (class 0) and blue (class 1), then a categorical palette. */
export const CLASS_COLORS = ["#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
  "#7f7f7f", "#bcbd22", "#17becf"];
/** Series colours of the metric charts (train, validation) and of compared runs. */
export const SERIES = { train: "#2f6fed", val: "#e8590c", lr: "#6b7888" };
export const RUN_COLORS = ["#2f6fed", "#e8590c", "#16845b", "#8a5cf0", "#d0343a", "#0ea5b7", "#b7791f", "#dd4f98"];
/** Orange → light grey → blue, as Playground's output heat map. */
export const DIVERGING = [[0, "#f59322"], [0.5, "#e8eaeb"], [1, "#0877bd"]];

export const classColor = (k) => CLASS_COLORS[((k % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length];

/** The base layout of a small dashboard chart. */
export function baseLayout(extra = {}) {
  return {
    margin: { l: 48, r: 12, t: 8, b: 34 },
    font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", size: 11, color: "#3e4c5c" },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "#ffffff",
    showlegend: true,
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", font: { size: 10.5 } },
    xaxis: { gridcolor: "#edf0f4", zeroline: false, automargin: true },
    yaxis: { gridcolor: "#edf0f4", zeroline: false, automargin: true },
    ...extra,
  };
}

/** Plotly config: no logo, no "edit in chart studio", responsive to its box. */
export const PLOT_CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d", "toImage"] };

/** Keep a drawn plotly chart fitted to its box (the dock is resized, maximised, shown again). */
export function autoResize(el) {
  let timer = null;
  const observer = new ResizeObserver(() => {
    clearTimeout(timer);
    // Later, not inside the observer's callback: a relayout there would re-trigger it.
    timer = setTimeout(() => {
      if (window.Plotly && el._fullLayout && el.offsetParent) window.Plotly.Plots.resize(el);
    }, 80);
  });
  observer.observe(el);
  return observer;
}

/**
 * `fn(...args)` (async) made sequential and coalescing: while one call draws, further calls only
 * remember their arguments, and the newest is drawn next. The promise resolves when the chart is
 * up to date. Plotly draws one chart at a time and a live stream calls faster than it draws.
 */
export function latestOnly(fn) {
  let running = null;
  let queued = null;
  return (...args) => {
    queued = args;
    if (!running) {
      running = (async () => {
        try {
          while (queued) {
            const next = queued;
            queued = null;
            try {
              await fn(...next);
            } catch (err) {
              console.warn("chart not drawn:", err);   // e.g. plotly.js failed to load; the next call retries
            }
          }
        } finally {
          running = null;
        }
      })();
    }
    return running;
  };
}
