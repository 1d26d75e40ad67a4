// Datasets on the server (/api/datasets): the descriptor list (cached, refreshed after an upload),
// previews (cached by id + options + limit), uploads, and the project's dataset reference
// (`"spiral"` or `{id, options}`).

import { api, ApiError } from "../api.js";

let listing = null;
const previews = new Map();

/** Every descriptor (built-ins, then uploads); `force` re-reads the server. */
export function listDatasets(force = false) {
  if (force || !listing) {
    listing = api.get("/api/datasets").catch((err) => {
      listing = null;
      throw err;
    });
  }
  return listing;
}

/** The descriptor of `id` (null when the server does not know it). */
export async function describeDataset(id) {
  const list = await listDatasets();
  return list.find((d) => d.id === id) ?? null;
}

/** `{id, options}` from a project's dataset value (an id, an object or null). */
export function datasetRef(value) {
  if (!value) return null;
  if (typeof value === "string") return { id: value, options: {} };
  if (typeof value === "object" && typeof value.id === "string") return { id: value.id, options: { ...(value.options || {}) } };
  return null;
}

/** The project value for `ref`: the bare id when no option is set (as the templates store it). */
export function datasetValue(ref) {
  if (!ref) return null;
  const options = Object.fromEntries(Object.entries(ref.options || {}).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  return Object.keys(options).length ? { id: ref.id, options } : ref.id;
}

/** GET /api/datasets/{id}/preview with `options` (cached). */
export function previewDataset(id, options = {}, limit = null) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(options || {})) if (v !== undefined && v !== null) params.set(k, String(v));
  if (limit) params.set("limit", String(limit));
  const key = `${id}?${params}`;
  if (!previews.has(key)) {
    const promise = api.get(`/api/datasets/${encodeURIComponent(id)}/preview?${params}`);
    promise.catch(() => previews.delete(key));
    previews.set(key, promise);
    if (previews.size > 40) previews.delete(previews.keys().next().value);
  }
  return previews.get(key);
}

/** POST a CSV file (multipart, field "file") with upload `options`; the new descriptor (with `report`). */
export async function uploadCsv(file, options = {}) {
  const form = new FormData();
  form.append("file", file, file.name || "upload.csv");
  for (const [k, v] of Object.entries(options)) if (v !== undefined && v !== null && v !== "") form.append(k, String(v));
  let response;
  try {
    response = await fetch("/api/datasets", { method: "POST", body: form, headers: { Accept: "application/json" } });
  } catch (err) {
    throw new ApiError(0, `Cannot reach the studio server to upload: ${err.message || err}`);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, body?.error || `Upload failed: HTTP ${response.status}`, body?.details ?? null);
  }
  listDatasets(true);
  return body;
}

/** DELETE an uploaded dataset. */
export async function deleteDataset(id) {
  await api.delete(`/api/datasets/${encodeURIComponent(id)}`);
  for (const key of [...previews.keys()]) if (key.startsWith(`${id}?`)) previews.delete(key);
  await listDatasets(true);
}

/** Points of a 2-D dataset for drawing: {x, y, task, valStart} (`validationSplit` marks the tail as Keras does). */
export async function datasetPoints(ref, validationSplit = 0) {
  const preview = await previewDataset(ref.id, ref.options, 5000);
  if (preview.kind !== "points") return null;
  const n = preview.x.length;
  const cut = preview.truncated ? n : Math.floor(n * (1 - (validationSplit || 0)));
  return { x: preview.x, y: preview.y, task: preview.task, valStart: cut, total: preview.total };
}
