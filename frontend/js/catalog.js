// The layer catalog (GET /api/layers): lookups, and the starting config of a freshly added layer.

import { api } from "./api.js";

/** Fetch the catalog and index it: {categories, layers, byName: Map(class_name → entry)}. */
export async function loadCatalog() {
  const data = await api.get("/api/layers");
  return indexCatalog(data);
}

/** Index a catalog payload (shape fixed in the studio contract). */
export function indexCatalog(data) {
  const layers = Array.isArray(data?.layers) ? data.layers : [];
  const byName = new Map(layers.map((entry) => [entry.class_name, entry]));
  const categories = Array.isArray(data?.categories) ? [...data.categories] : [];
  for (const entry of layers) if (!categories.includes(entry.category)) categories.push(entry.category);
  return { categories, layers, byName };
}

/** The catalog entry of a class, or null for a class the server does not know. */
export function entryOf(catalog, className) {
  return catalog?.byName.get(className) ?? null;
}

export const isInputClass = (className) => className === "InputLayer";

/** How many inputs a layer takes: {min, max} (max = Infinity for "any"). */
export function inputArity(catalog, className) {
  if (isInputClass(className)) return { min: 0, max: 0 };
  const entry = entryOf(catalog, className);
  if (!entry) return { min: 1, max: Infinity };
  const min = Number.isInteger(entry.min_inputs) ? entry.min_inputs : 1;
  const max = entry.max_inputs === null || entry.max_inputs === undefined ? Infinity : entry.max_inputs;
  return { min, max };
}

/** A layer that takes several inputs (Add, Concatenate, ...). */
export const isMerge = (catalog, className) => inputArity(catalog, className).max > 1;

// Values for required fields that have no default, so that a dropped layer is valid at once.
// Keyed by field name; a layer-specific entry wins. Everything else comes from the catalog.
const STARTER_BY_FIELD = {
  units: 32, filters: 16, kernel_size: 3, pool_size: 2, rate: 0.2, input_dim: 100, output_dim: 16,
  target_shape: [-1], dims: [2, 1], size: 2, activation: "relu", num_tokens: 10,
};
const STARTER_BY_CLASS = {
  InputLayer: { batch_input_shape: [null, 2] },
  Dense: { units: 32, activation: "relu" },
  Conv1D: { filters: 16, kernel_size: 3, activation: "relu" },
  Conv2D: { filters: 16, kernel_size: 3, activation: "relu", padding: "same" },
  Conv3D: { filters: 16, kernel_size: 3, activation: "relu", padding: "same" },
  LSTM: { units: 32 },
  GRU: { units: 32 },
  SimpleRNN: { units: 32 },
  Dropout: { rate: 0.2 },
  Activation: { activation: "relu" },
  Reshape: { target_shape: [-1] },
};

/** The config a new layer starts with: class starters, then required fields without default. */
export function starterConfig(catalog, className) {
  const config = { ...(STARTER_BY_CLASS[className] || {}) };
  const entry = entryOf(catalog, className);
  for (const field of entry?.fields || []) {
    if (field.name in config || !field.required) continue;
    if (field.default !== null && field.default !== undefined) continue;
    if (field.name in STARTER_BY_FIELD) config[field.name] = STARTER_BY_FIELD[field.name];
    else if (field.example !== undefined && field.example !== null) config[field.name] = field.example;
    else if (field.type === "int") config[field.name] = Math.max(field.min ?? 1, 1);
    else if (field.type === "float") config[field.name] = field.min ?? 0.5;
    else if (field.type === "enum" && field.choices?.length) config[field.name] = field.choices[0];
  }
  if (className === "InputLayer") {
    // The document carries an Input as Keras 2 `batch_input_shape`: shown as "shape" in the form.
    for (const key of ["shape", "batch_shape", "batch_size", "input_shape"]) delete config[key];
  }
  return structuredClone(config);
}

/** The base of auto-generated layer names, like Keras: Conv2D → conv2d, BatchNormalization → batch_normalization. */
export function baseName(className) {
  if (isInputClass(className)) return "input";
  // Keras's to_snake_case.
  return className
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/** A CSS-friendly key of a category ("Core" → "core"), used for the node colour stripe. */
export const categoryKey = (category) => String(category || "other").toLowerCase().replace(/[^a-z0-9]+/g, "-");
