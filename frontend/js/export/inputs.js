// The "Try it" inputs: a 2-D plane to click (with the model's output drawn over it by tfjs, as
// Playground's heat map), a drawing pad downsampled to the model's image size (e.g. 8×8 digits),
// and a JSON box for any other input shape (pre-filled with an example of the dataset).

import { classColor } from "../charts/plotly.js";
import { h } from "../format.js";

const ORANGE = [245, 147, 34];
const GREY = [232, 234, 235];
const BLUE = [8, 119, 189];

function mix(a, b, t) {
  return a.map((v, i) => Math.round(v + (b[i] - v) * t));
}

/** Playground colour of an output: probability (0 orange … 1 blue), class index, or scaled value. */
function outputColor(out, kind) {
  if (kind === "class") {
    const hex = classColor(out);
    return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  }
  const t = Math.min(1, Math.max(0, out));
  return t < 0.5 ? mix(ORANGE, GREY, t * 2) : mix(GREY, BLUE, (t - 0.5) * 2);
}

/** Reduce one prediction row to a drawable number: P(class 1), the argmax class, or the value. */
export function readOutput(row) {
  const v = Array.isArray(row) ? row : [row];
  if (v.length === 1) return { value: v[0], kind: "probability" };
  if (v.length === 2) return { value: v[1], kind: "probability" };
  let best = 0;
  for (let i = 1; i < v.length; i += 1) if (v[i] > v[best]) best = i;
  return { value: best, kind: "class" };
}

/**
 * A clickable plane over the data range of `points` ({x: [[x1, x2]], y}). `onPick([x1, x2])` on a
 * click. Returns {el, drawField(predictGrid), mark([x1, x2])}.
 */
export function createPlane(points, onPick, size = 260) {
  const xs = points.x.map((p) => p[0]);
  const ys = points.x.map((p) => p[1]);
  const pad = (lo, hi) => {
    const d = Math.max((hi - lo) * 0.1, 1e-3);
    return [lo - d, hi + d];
  };
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const canvas = h("canvas", { width: size, height: size, class: "plane", id: "tryit-plane", tabindex: "0", "aria-label": "Click a point to predict it" });
  const ctx = canvas.getContext("2d");
  let field = null;
  const marks = [];

  const toPx = ([x, y]) => [((x - x0) / (x1 - x0)) * size, size - ((y - y0) / (y1 - y0)) * size];
  const toData = (px, py) => [x0 + (px / size) * (x1 - x0), y0 + ((size - py) / size) * (y1 - y0)];

  function draw() {
    ctx.clearRect(0, 0, size, size);
    if (field) ctx.drawImage(field, 0, 0, size, size);
    else {
      ctx.fillStyle = "#f4f6f9";
      ctx.fillRect(0, 0, size, size);
    }
    points.x.forEach((p, i) => {
      const [px, py] = toPx(p);
      ctx.beginPath();
      ctx.arc(px, py, 2.4, 0, Math.PI * 2);
      ctx.fillStyle = classColor(points.y[i]);
      ctx.fill();
      ctx.strokeStyle = "rgba(255,255,255,.9)";
      ctx.lineWidth = 0.7;
      ctx.stroke();
    });
    for (const m of marks) {
      const [px, py] = toPx(m);
      ctx.strokeStyle = "#111827";
      ctx.lineWidth = 2.2;
      ctx.beginPath();
      ctx.moveTo(px - 6, py - 6);
      ctx.lineTo(px + 6, py + 6);
      ctx.moveTo(px + 6, py - 6);
      ctx.lineTo(px - 6, py + 6);
      ctx.stroke();
    }
  }

  canvas.addEventListener("click", (e) => {
    const r = canvas.getBoundingClientRect();
    const picked = toData(((e.clientX - r.left) / r.width) * size, ((e.clientY - r.top) / r.height) * size);
    onPick(picked.map((v) => Math.round(v * 1e4) / 1e4));
  });
  canvas.addEventListener("keydown", (e) => {
    if (e.key === "Enter") onPick([(x0 + x1) / 2, (y0 + y1) / 2]);
  });
  draw();

  return {
    el: canvas,
    range: { x: [x0, x1], y: [y0, y1] },
    /** Paint the model's output over the plane; `predict(instances)` → rows of outputs. */
    async drawField(predict, resolution = 40) {
      const grid = [];
      for (let r = 0; r < resolution; r += 1) {
        for (let c = 0; c < resolution; c += 1) {
          grid.push([x0 + ((c + 0.5) / resolution) * (x1 - x0), y1 - ((r + 0.5) / resolution) * (y1 - y0)]);
        }
      }
      const out = await predict(grid);
      const img = new ImageData(resolution, resolution);
      out.forEach((row, i) => {
        const { value, kind } = readOutput(row);
        const [cr, cg, cb] = outputColor(value, kind);
        img.data.set([cr, cg, cb, 200], i * 4);
      });
      const off = document.createElement("canvas");
      off.width = resolution;
      off.height = resolution;
      off.getContext("2d").putImageData(img, 0, 0);
      field = off;
      draw();
    },
    mark(point) {
      marks.push(point);
      if (marks.length > 8) marks.shift();
      draw();
    },
  };
}

/**
 * A drawing pad downsampled to `rows`×`cols` (×`channels`) in [0, 1] (ink = 1), as the digits set
 * is scaled. `onDrawn(instance)` after each stroke. Returns {el, clear(), instance()}.
 */
export function createDrawPad(rows, cols, channels, onDrawn, size = 168) {
  const pad = h("canvas", { width: size, height: size, class: "draw-pad", id: "tryit-draw", "aria-label": "Draw here" });
  const small = h("canvas", { width: cols, height: rows, class: "draw-small", id: "tryit-small", title: `What the model sees (${rows}×${cols})` });
  const clear = h("button", { type: "button", class: "btn btn-small", id: "tryit-clear" }, "Clear");
  const ctx = pad.getContext("2d", { willReadFrequently: true });
  let drawing = false;
  let last = null;

  function reset() {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, size, size);
    small.getContext("2d").clearRect(0, 0, cols, rows);
  }

  function instance() {
    const data = ctx.getImageData(0, 0, size, size).data;
    const bh = size / rows;
    const bw = size / cols;
    const out = [];
    const view = small.getContext("2d").createImageData(cols, rows);
    for (let r = 0; r < rows; r += 1) {
      const row = [];
      for (let c = 0; c < cols; c += 1) {
        let ink = 0;
        let n = 0;
        for (let y = Math.floor(r * bh); y < Math.floor((r + 1) * bh); y += 1) {
          for (let x = Math.floor(c * bw); x < Math.floor((c + 1) * bw); x += 1) {
            ink += 1 - data[4 * (y * size + x)] / 255;
            n += 1;
          }
        }
        const v = Math.round((ink / Math.max(1, n)) * 1e4) / 1e4;
        row.push(channels ? new Array(channels).fill(v) : v);
        const g = 255 - Math.round(v * 255);
        view.data.set([g, g, g, 255], 4 * (r * cols + c));
      }
      out.push(row);
    }
    small.getContext("2d").putImageData(view, 0, 0);
    return out;
  }

  const pos = (e) => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * size, ((e.clientY - r.top) / r.height) * size];
  };
  pad.addEventListener("pointerdown", (e) => {
    drawing = true;
    last = pos(e);
    pad.setPointerCapture(e.pointerId);
  });
  pad.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    const p = pos(e);
    ctx.strokeStyle = "#000";
    ctx.lineWidth = size / 9;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(...last);
    ctx.lineTo(...p);
    ctx.stroke();
    last = p;
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    onDrawn(instance());
  };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  clear.addEventListener("click", reset);
  reset();

  return { el: h("div", { class: "draw-box" }, pad, h("div", { class: "draw-side" }, small, h("span", { class: "small muted" }, `${rows}×${cols} input`), clear)), clear: reset, instance };
}

/** A JSON box for one instance of any shape, with a Predict button. */
export function createJsonInput(example, onSubmit) {
  const box = h("textarea", { rows: "4", id: "tryit-json", spellcheck: "false", "aria-label": "Input instance (JSON)" }, JSON.stringify(example));
  const error = h("div", { class: "field-error small", role: "alert" });
  const go = h("button", { type: "button", class: "btn btn-small btn-primary", id: "tryit-predict" }, "Predict");
  go.addEventListener("click", () => {
    try {
      error.textContent = "";
      onSubmit(JSON.parse(box.value));
    } catch (err) {
      error.textContent = `Not valid JSON: ${err.message}`;
    }
  });
  return { el: h("div", { class: "json-input" }, box, h("div", { class: "json-actions" }, go, error)), set: (v) => { box.value = JSON.stringify(v); } };
}
