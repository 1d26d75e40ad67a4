// One run as the dashboard sees it, accumulated from its event stream (status, metrics, epoch,
// boundary, confusion, norms, learning_rate). Series are columnar arrays appended in place; every
// applied event bumps `version` so views redraw only when something changed.
//
// Steps are unique: a point whose step is not after the last one (a run continued from an older
// checkpoint) cuts the series back to before that step, as TensorBoard does with restarts.

const LIVE = new Set(["queued", "running", "paused"]);

/** Whether a status means the run can still change. */
export const isLive = (status) => LIVE.has(status);

/** Columnar series: `x` plus one array per key (null where a point lacks the key). */
function createSeries() {
  return { x: [], cols: new Map(), extra: [] };
}

function push(series, x, values, extra) {
  const n = series.x.length;
  series.x.push(x);
  series.extra.push(extra);
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== "number" && value !== null) continue;
    let col = series.cols.get(key);
    if (!col) {
      col = new Array(n).fill(null);
      series.cols.set(key, col);
    }
    col.push(value);
  }
  for (const col of series.cols.values()) if (col.length === n) col.push(null);
}

/** Drop every entry with x ≥ `from`. */
function cut(series, from) {
  let i = series.x.length;
  while (i > 0 && series.x[i - 1] >= from) i -= 1;
  if (i === series.x.length) return;
  series.x.length = i;
  series.extra.length = i;
  for (const col of series.cols.values()) col.length = i;
}

/** A new, empty view of run `id` (fill it with `apply`). */
export function createRunView(id, run = null) {
  const view = {
    id,
    run,                        // the GET /api/runs/{id} JSON when known
    version: 0,
    lastSeq: 0,
    status: run?.status ?? null,
    reason: run?.reason ?? null,
    epoch: run?.epoch ?? 0,
    step: run?.step ?? 0,
    epochs: run?.epochs ?? run?.config?.epochs ?? null,
    learningRate: run?.learning_rate ?? run?.config?.learning_rate ?? null,
    steps: createSeries(),      // x = step; cols loss, accuracy, ...; extra = epoch of the point
    epochLogs: createSeries(),  // x = epoch; cols loss, val_loss, ...; extra = step at the epoch's end
    boundary: null,
    confusion: null,
    norms: null,
    lrChanges: [],
    points: 0,                  // per-step points received (after de-duplication)
    firstPointAt: null,         // performance.now() of the first point
  };
  return view;
}

/** Apply one socket / event-log message to `view`; returns true if it changed anything. */
export function applyEvent(view, event, message) {
  if (Number.isInteger(message.seq)) {
    if (message.seq <= view.lastSeq) return false;
    view.lastSeq = message.seq;
  }
  switch (event) {
    case "status":
      view.status = message.status;
      view.reason = message.reason ?? null;
      if (Number.isInteger(message.epoch)) view.epoch = message.epoch;
      if (Number.isInteger(message.step)) view.step = message.step;
      break;
    case "metrics":
      for (const point of message.points || []) addPoint(view, point);
      break;
    case "epoch": {
      const epoch = message.epoch;
      const last = view.epochLogs.x[view.epochLogs.x.length - 1];
      if (last !== undefined && epoch <= last) cut(view.epochLogs, epoch);
      push(view.epochLogs, epoch, message.logs || {}, Number.isInteger(message.step) ? message.step : view.step);
      view.epoch = Math.max(view.epoch, epoch);
      if (Number.isFinite(message.learning_rate)) view.learningRate = message.learning_rate;
      break;
    }
    case "boundary":
      view.boundary = message;
      break;
    case "confusion":
      view.confusion = message;
      break;
    case "norms":
      view.norms = message;
      break;
    case "learning_rate":
      view.learningRate = message.learning_rate;
      view.lrChanges.push({ step: message.step, value: message.learning_rate, previous: message.previous });
      break;
    default:
      return false;
  }
  view.version += 1;
  return true;
}

function addPoint(view, point) {
  if (!Number.isInteger(point.step)) return;
  const steps = view.steps;
  const last = steps.x[steps.x.length - 1];
  if (last !== undefined && point.step <= last) {
    const before = steps.x.length;
    cut(steps, point.step);
    view.points -= before - steps.x.length;
  }
  const { step, epoch, batch, time, ...values } = point;
  push(steps, step, values, epoch);
  view.points += 1;
  if (view.firstPointAt === null) view.firstPointAt = performance.now();
  if (step > view.step) view.step = step;
}

/** Metric names seen in the per-step points (loss first). */
export function metricNames(view) {
  const names = [...view.steps.cols.keys()];
  for (const key of view.epochLogs.cols.keys()) {
    const base = key.startsWith("val_") ? key.slice(4) : key;
    if (!names.includes(base)) names.push(base);
  }
  return names.sort((a, b) => (a === "loss" ? -1 : b === "loss" ? 1 : a.localeCompare(b)));
}

/** The run's points as CSV text: one row per step, the epoch's logs on the step that ended it. */
export function toCsv(view) {
  const stepKeys = [...view.steps.cols.keys()];
  const epochKeys = [...view.epochLogs.cols.keys()];
  const header = ["step", "epoch", ...stepKeys, ...epochKeys.map((k) => `epoch_${k}`)];
  const byStep = new Map();
  view.epochLogs.x.forEach((epoch, i) => byStep.set(view.epochLogs.extra[i], i));
  const cell = (v) => (v === null || v === undefined ? "" : String(v));
  const lines = [header.join(",")];
  view.steps.x.forEach((step, i) => {
    const e = byStep.get(step);
    lines.push([step, view.steps.extra[i] ?? "", ...stepKeys.map((k) => cell(view.steps.cols.get(k)[i])),
      ...epochKeys.map((k) => (e === undefined ? "" : cell(view.epochLogs.cols.get(k)[e])))].join(","));
  });
  return `${lines.join("\n")}\n`;
}
