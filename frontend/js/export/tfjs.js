// The real @tensorflow/tfjs (vendored 4.22.0 bundle, loaded on first use) and a run's TF.js export
// loaded over HTTP from the studio (GET /api/runs/{id}/export/tfjs/files/model.json + shards).
// The cpu backend computes in float32 exactly as the reference check does.

import { loadScript } from "../load-script.js";

let ready = null;

/** window.tf on the cpu backend. */
export function loadTfjs() {
  if (!ready) {
    ready = (async () => {
      const tf = await loadScript("/static/vendor/tfjs/tf.min.js", "tf");
      await tf.setBackend("cpu");
      await tf.ready();
      return tf;
    })().catch((err) => {
      ready = null;
      throw err;
    });
  }
  return ready;
}

/** The URL of one file of a run's export. */
export const exportFileUrl = (runId, format, name) => `/api/runs/${encodeURIComponent(runId)}/export/${format}/files/${name}`;

/** Load run `runId`'s TF.js export: {tf, model, epoch, url}. */
export async function loadRunModel(runId) {
  const tf = await loadTfjs();
  const url = exportFileUrl(runId, "tfjs", "model.json");
  // Ask for model.json first: it builds the export if needed, reports the server's message if it
  // cannot, and says which checkpoint (epoch) it holds.
  const head = await fetch(url, { headers: { Accept: "application/json" } });
  if (!head.ok) {
    let message = `HTTP ${head.status}`;
    try {
      message = (await head.json()).error || message;
    } catch {
      /* not JSON */
    }
    throw new Error(message);
  }
  const epoch = Number(head.headers.get("X-Export-Epoch"));
  const model = await tf.loadLayersModel(url);
  return { tf, model, epoch: Number.isFinite(epoch) ? epoch : null, url };
}

/** Predict `instances` (nested arrays, one per example) with a loaded tfjs model: nested arrays out. */
export async function predictTfjs(tf, model, instances) {
  const inputShape = model.inputs[0].shape;   // [null, ...]
  const x = tf.tensor(instances, [instances.length, ...inputShape.slice(1)], "float32");
  let y = model.predict(x);
  if (Array.isArray(y)) y = y[0];
  const out = await y.array();
  x.dispose();
  y.dispose();
  return out;
}
