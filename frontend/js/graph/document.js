// The graph ↔ the model document: the Keras-2 Functional topology that TF.js `model.json` carries
// ({"class_name": "Functional", "config": {"name", "layers", "input_layers", "output_layers"}}),
// plus the editor's "layout" (node positions) kept beside it. Import also reads Sequential models,
// a whole TF.js model.json ("modelTopology"), Keras `model_config` wrappers and Keras 3 configs.

import { baseName } from "../catalog.js";
import { addNode, emptyGraph, nodeById, topoOrder, uniqueName } from "./graph.js";

const INPUT_SHAPE_KEYS = ["batch_input_shape", "batch_shape", "input_shape", "shape", "batch_size"];

/** An input node's shape without the batch dimension (or null when it has none). */
export function inputShapeOf(config) {
  const full = config?.batch_input_shape;
  return Array.isArray(full) ? full.slice(1) : null;
}

/** The Keras-2 topology of the graph. Outputs are the layers nothing reads from (top to bottom). */
export function toTopology(graph) {
  const order = topoOrder(graph);
  const layers = order.map((id) => {
    const node = nodeById(graph, id);
    const config = { name: node.name, ...structuredClone(node.config) };
    config.name = node.name;
    if (node.class_name === "InputLayer") {
      config.dtype = config.dtype || "float32";
      if (!("sparse" in config)) config.sparse = false;
    }
    const inbound = node.inputs
      .map((inp) => nodeById(graph, inp.id))
      .filter(Boolean)
      .map((src, i) => [src.name, 0, node.inputs[i].tensor || 0, {}]);
    return { class_name: node.class_name, name: node.name, config, inbound_nodes: inbound.length ? [inbound] : [] };
  });
  const read = new Set(graph.nodes.flatMap((n) => n.inputs.map((i) => i.id)));
  const byPosition = (a, b) => a.y - b.y || a.x - b.x;
  const inputs = graph.nodes.filter((n) => n.class_name === "InputLayer").sort(byPosition);
  const outputs = graph.nodes.filter((n) => !read.has(n.id) && (n.class_name !== "InputLayer" || graph.nodes.length === 1))
    .sort(byPosition);
  return {
    class_name: "Functional",
    config: {
      name: graph.name || "model",
      trainable: true,
      layers,
      input_layers: inputs.map((n) => [n.name, 0, 0]),
      output_layers: outputs.map((n) => [n.name, 0, 0]),
    },
  };
}

/** The editor's layout: node positions by layer name (the project's "layout"). */
export function toLayout(graph, view = null) {
  const positions = {};
  for (const n of graph.nodes) positions[n.name] = [n.x, n.y];
  return view ? { version: 1, positions, view: { x: view.x, y: view.y, k: view.k } } : { version: 1, positions };
}

/** The exported document: the topology with the layout beside it. */
export function toDocument(graph, view = null) {
  return { ...toTopology(graph), layout: toLayout(graph, view) };
}

// ---------------------------------------------------------------------------------------------
// Import

/** Raised for a file that holds no model topology; the message says what was expected. */
export class DocumentError extends Error {}

/** Unwrap a TF.js model.json / Keras `model_config` / project file to {topology, layout}. */
export function unwrapDocument(doc) {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    throw new DocumentError("The file is not a JSON object: expected a Keras model topology or a TF.js model.json.");
  }
  let layout = doc.layout ?? null;
  let topology = doc;
  if (topology.model && typeof topology.model === "object" && !topology.class_name) {
    layout = topology.layout ?? layout;          // a saved project {name, model, layout}
    topology = topology.model;
    layout = topology.layout ?? layout;
  }
  if (topology.modelTopology) topology = topology.modelTopology;   // TF.js model.json
  if (topology.model_config) topology = topology.model_config;     // Keras .h5 / tfjs wrapper
  if (!topology || typeof topology.class_name !== "string" || typeof topology.config !== "object") {
    throw new DocumentError("No model found: the JSON needs \"class_name\" and \"config\" (a Keras topology) "
      + "or \"modelTopology\" (a TF.js model.json).");
  }
  return { topology, layout };
}

/** [["name", node, tensor, kwargs], ...] from Keras 2 / TF.js / Keras 3 inbound nodes (first call only). */
function parseInbound(inboundNodes) {
  if (!Array.isArray(inboundNodes) || !inboundNodes.length) return [];
  const first = inboundNodes[0];
  if (Array.isArray(first)) {
    return first.filter(Array.isArray).map((e) => ({ name: e[0], tensor: e[2] || 0 }));
  }
  // Keras 3: {"args": [...], "kwargs": {...}} with {"class_name": "__keras_tensor__", "config": {"keras_history"}}.
  const found = [];
  const walk = (value) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      if (value.class_name === "__keras_tensor__" && Array.isArray(value.config?.keras_history)) {
        const [name, , tensor] = value.config.keras_history;
        found.push({ name, tensor: tensor || 0 });
      } else Object.values(value).forEach(walk);
    }
  };
  walk(first.args ?? first);
  return found;
}

/** A layer config as the editor keeps it: no name, Keras-2 input shape for InputLayer. */
function cleanConfig(className, config) {
  const out = structuredClone(config || {});
  delete out.name;
  if (out.trainable === true) delete out.trainable;
  if (className === "InputLayer") {
    const shape = inputBatchShape(out);
    for (const key of INPUT_SHAPE_KEYS) delete out[key];
    out.batch_input_shape = shape;
    if (typeof out.dtype !== "string") delete out.dtype;
    delete out.ragged;
  } else if (out.dtype && typeof out.dtype === "object") {
    delete out.dtype;        // a Keras 3 DTypePolicy: the default float32 either way
  }
  return out;
}

/** The batch shape (with the leading batch dim) a layer config declares, or null. */
function inputBatchShape(config) {
  if (Array.isArray(config.batch_input_shape)) return [...config.batch_input_shape];
  if (Array.isArray(config.batch_shape)) return [...config.batch_shape];
  const shape = config.input_shape ?? config.shape;
  if (Array.isArray(shape)) return [config.batch_size ?? null, ...shape];
  if (Number.isInteger(shape)) return [config.batch_size ?? null, shape];
  return null;
}

/**
 * Build a graph from a model document (see unwrapDocument). Returns {graph, positioned, notes}:
 * `positioned` = the document carried a layout for every layer; `notes` = what could not be kept.
 */
export function fromDocument(doc) {
  const { topology, layout } = unwrapDocument(doc);
  const notes = [];
  const kind = topology.class_name;
  const config = topology.config;
  const layers = Array.isArray(config) ? config : config?.layers;
  if (!Array.isArray(layers)) throw new DocumentError(`The ${kind} model has no "layers" list.`);
  let graph = emptyGraph(typeof config.name === "string" ? config.name : "model");
  const ids = new Map();

  const add = (className, layerConfig, name, inputs) => {
    const wanted = name || layerConfig?.name || baseName(className);
    const added = addNode(graph, { class_name: className, config: cleanConfig(className, layerConfig), name: wanted, inputs });
    graph = added.graph;
    return added.id;
  };

  if (kind === "Sequential") {
    let previous = null;
    layers.forEach((layer, i) => {
      if (!layer || typeof layer.class_name !== "string") throw new DocumentError(`Layer ${i + 1} has no "class_name".`);
      if (i === 0 && layer.class_name !== "InputLayer") {
        const shape = inputBatchShape(layer.config || {});
        const inputName = uniqueName(graph, "input");
        previous = add("InputLayer", { batch_input_shape: shape }, inputName, []);
        if (!shape) notes.push("The Sequential model declares no input shape: set it on the Input layer.");
      }
      const cfg = { ...(layer.config || {}) };
      if (layer.class_name !== "InputLayer") for (const key of INPUT_SHAPE_KEYS) delete cfg[key];
      previous = add(layer.class_name, cfg, layer.config?.name, previous ? [{ id: previous }] : []);
    });
  } else {
    for (const layer of layers) {
      if (!layer || typeof layer.class_name !== "string") throw new DocumentError("A layer has no \"class_name\".");
      const name = layer.name || layer.config?.name;
      const id = add(layer.class_name, layer.config, name, []);
      ids.set(name, id);
      if (nodeById(graph, id).name !== name) notes.push(`Layer "${name}" appears twice; the copy was renamed.`);
    }
    graph = {
      ...graph,
      nodes: graph.nodes.map((node, i) => {
        const inbound = parseInbound(layers[i].inbound_nodes);
        if ((layers[i].inbound_nodes || []).length > 1) {
          notes.push(`"${node.name}" is called more than once (a shared layer); only its first call was kept.`);
        }
        const inputs = inbound.map((e) => {
          const id = ids.get(e.name);
          if (!id) notes.push(`"${node.name}" reads from "${e.name}", which is not in the model.`);
          return id ? { id, tensor: e.tensor } : null;
        }).filter(Boolean);
        return { ...node, inputs };
      }),
    };
  }

  const positions = layout?.positions && typeof layout.positions === "object" ? layout.positions : null;
  let positioned = Boolean(positions) && graph.nodes.length > 0;
  if (positions) {
    graph = {
      ...graph,
      nodes: graph.nodes.map((n) => {
        const p = positions[n.name];
        if (Array.isArray(p) && p.length === 2 && p.every(Number.isFinite)) return { ...n, x: p[0], y: p[1] };
        if (p && Number.isFinite(p.x) && Number.isFinite(p.y)) return { ...n, x: p.x, y: p.y };
        positioned = false;
        return n;
      }),
    };
  }
  return { graph, positioned, notes, view: layout?.view ?? null };
}
